//! `tally users add NAME --file FILE`: give a dashboard user a fresh token.
//! The token is printed once; the users file keeps only its hash.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct UsersArgs {
    #[command(subcommand)]
    pub command: UsersCommand,
}

#[derive(Subcommand, Debug)]
pub enum UsersCommand {
    /// Make a token for NAME, print it, and append NAME and its hash to FILE.
    Add {
        /// The user's name, as reviews will carry it.
        #[arg(value_name = "NAME")]
        name: String,
        /// The users file of `tally serve --users` (created if missing).
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
}

pub fn run(args: UsersArgs) -> Result<ExitCode> {
    match args.command {
        UsersCommand::Add { name, file } => add(&name, &file),
    }
}

fn add(name: &str, file: &Path) -> Result<ExitCode> {
    let name = name.trim();
    if name.is_empty() || name.contains(['\t', '\n', '\r']) || name.starts_with('#') {
        bail!("a user's name must be non-empty, on one line, without tabs or a leading '#'");
    }
    let existing = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", file.display())),
    };
    let users = tally_web::Users::parse(&existing)
        .with_context(|| format!("reading {}", file.display()))?;
    let token = fresh_token()?;
    if users.identify(&token).is_some() || names(&existing).any(|n| n == name) {
        bail!("{name} is already a user in {}", file.display());
    }
    let mut line = tally_web::users_line(name, &token);
    if !existing.is_empty() && !existing.ends_with('\n') {
        line.insert(0, '\n');
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .and_then(|mut f| f.write_all(line.as_bytes()))
        .with_context(|| format!("writing {}", file.display()))?;
    eprintln!(
        "tally: {name} added to {}; their token (shown once, give it to them):",
        file.display()
    );
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

fn names(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t').map(|(n, _)| n.trim()))
}

/// 32 random bytes from the system, in hex.
fn fresh_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("reading random bytes from /dev/urandom")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
