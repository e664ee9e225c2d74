//! AFL target: `tally_fuzz::extract_bytes` over AFL's inputs.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        tally_fuzz::extract_bytes(data);
    });
}
