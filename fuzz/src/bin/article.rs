//! AFL target: `tally_fuzz::article_file` over AFL's inputs.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        tally_fuzz::article_file(data);
    });
}
