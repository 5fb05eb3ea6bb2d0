#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 30), one after another on
# one core. Needs cargo-fuzz (`cargo install cargo-fuzz`); works on the
# stable toolchain through RUSTC_BOOTSTRAP=1. Exits non-zero on the first
# crash; the reproducer is left in fuzz/artifacts/<target>/. No sanitizer
# (-s none): the crate is safe Rust, and ASan costs ~8x in executions.
# With -jobs=1 libFuzzer writes its log to fuzz/fuzz-0.log; it is printed
# after each target.
set -euo pipefail
secs=${1:-30}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
bash "$here/seed.sh"
export RUSTC_BOOTSTRAP=1 RAYON_NUM_THREADS=1
for t in clean segment pipeline jsonl; do
  echo "== fuzz $t for ${secs}s"
  cargo fuzz run -s none "$t" "corpus/$t" -- \
    -max_total_time="$secs" -max_len=4096 -jobs=1 -workers=1 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 ||
    { tail -n 80 fuzz-0.log; echo "fuzz $t: crash, see fuzz/artifacts/$t/"; exit 1; }
  grep -E '^(Done|stat::number_of_executed_units|stat::average_exec_per_sec)' fuzz-0.log || true
done
