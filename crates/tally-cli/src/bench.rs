//! `tally extract --bench N`: single-thread extraction throughput over at
//! least N articles (the corpus replicated), with peak memory.

use anyhow::{bail, Result};
use std::time::Instant;
use tally_corpus::{CorpusPlan, ReadOptions};
use tally_lexicon::Lexicon;
use tally_model::Article;

pub fn run(plan: &CorpusPlan, lex: &Lexicon, at_least: usize) -> Result<()> {
    let opts = ReadOptions::default();
    let articles: Vec<Article> = plan
        .entries
        .iter()
        .filter_map(|e| e.read(&opts).ok())
        .map(|l| l.article)
        .collect();
    if articles.is_empty() {
        bail!("no article could be read to benchmark");
    }
    let rounds = at_least.div_ceil(articles.len()).max(1);
    let bytes: usize = articles.iter().map(|a| a.text.len()).sum::<usize>() * rounds;
    let n = articles.len() * rounds;
    let start = Instant::now();
    let mut incidents = 0usize;
    for _ in 0..rounds {
        for a in &articles {
            incidents += tally_extract::extract(a, lex).incidents.len();
        }
    }
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    println!(
        "articles      {n} ({} distinct, {rounds} rounds)",
        articles.len()
    );
    println!("incidents     {incidents}");
    println!("time          {secs:.3} s on one thread");
    println!(
        "throughput    {:.0} articles/s, {:.2} MB/s",
        n as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
    if let Some(kb) = peak_memory_kb() {
        println!("peak memory   {:.1} MB (VmHWM)", kb as f64 / 1024.0);
    }
    Ok(())
}

/// Peak resident set size of this process, from /proc (Linux only).
pub fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
