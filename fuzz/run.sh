#!/usr/bin/env bash
# Coverage-guided fuzzing with AFL++ (cargo-afl, stable Rust): each target
# for the given number of seconds on one core, at low priority, then the
# uninstrumented replay of its queue, crashes and hangs for the slowest input.
#   cargo install cargo-afl && cargo afl config --build   (once)
#   fuzz/run.sh [SECONDS_EXTRACT] [SECONDS_ARTICLE] [SECONDS_MANIFEST]
# Findings land in fuzz/out/<target>/default/{crashes,hangs}; copy each to
# fuzz/regressions/<target>/ so `cargo test` keeps checking it.
set -euo pipefail
cd "$(dirname "$0")"
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TARGET_DIR="$target_dir/afl"
cargo afl build --release --features afl
CARGO_TARGET_DIR="$target_dir/plain" cargo build --release --bin replay
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
export AFL_NO_AFFINITY=1 TALLY_FUZZ_SCRATCH="${TALLY_FUZZ_SCRATCH:-/dev/shm}"
seconds=("${1:-900}" "${2:-450}" "${3:-450}")
targets=(extract article manifest)
for i in 0 1 2; do
    t="${targets[$i]}"
    mkdir -p "out/$t"
    dictionary=()
    [ "$t" != manifest ] && dictionary=(-x extract.dict)
    # A hang is an input over 100 ms (instrumented, so the real bound is tighter).
    nice -n 10 cargo afl fuzz -i "seeds/$t" -o "out/$t" "${dictionary[@]}" -V "${seconds[$i]}" -t 100 -m none \
        -- "$CARGO_TARGET_DIR/release/$t" > "out/$t.log" 2>&1 || true
    grep -E "execs_done|execs_per_sec|corpus_count|edges_found|total_edges|saved_crashes|saved_hangs|slowest_exec_ms|run_time" \
        "out/$t/default/fuzzer_stats" || true
    "$target_dir/plain/release/replay" "$t" "out/$t/default/queue" "out/$t/default/crashes" "out/$t/default/hangs"
done
