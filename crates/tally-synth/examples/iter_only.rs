fn main() {
    let cfg = tally_synth::SynthConfig { incidents: 45000, seed: 7, ..Default::default() };
    let t = std::time::Instant::now();
    let n = tally_synth::Generator::new(&cfg).unwrap().count();
    eprintln!("{n} records in {:.2?}", t.elapsed());
}
