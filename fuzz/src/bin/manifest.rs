//! AFL target: `tally_fuzz::manifest_file` over AFL's inputs.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        tally_fuzz::manifest_file(data);
    });
}
