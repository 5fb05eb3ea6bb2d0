#!/usr/bin/env bash
# Instructions per input byte of `kinex extract --jobs 1` on a folder, from
# valgrind's callgrind: repeatable whatever else the machine is doing, so
# two builds can be compared on a busy machine. Start-up is taken out by
# subtracting a run on a one-line file. Not part of CI.
#
#   benches/instructions.sh [DIR] [KINEX]
#
# DIR defaults to the first 60 files of /tmp/kx100 (make it with
# `kinex gen-corpus --out /tmp/kx100 --mb 100 --seed 1`); KINEX defaults to
# target/release/kinex.
set -euo pipefail
dir=${1:-}
kinex=${2:-target/release/kinex}
command -v valgrind >/dev/null || { echo "valgrind is required" >&2; exit 1; }
[ -x "$kinex" ] || { echo "$kinex: build it first (cargo build --release)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$dir" ]; then
    [ -d /tmp/kx100 ] || { echo "/tmp/kx100 is missing: kinex gen-corpus --out /tmp/kx100 --mb 100 --seed 1" >&2; exit 1; }
    dir=$tmp/prof
    mkdir "$dir"
    # A process substitution: `head` closing the pipe early must not trip
    # `pipefail`.
    mapfile -t files < <(find /tmp/kx100 -type f | sort | head -60)
    for f in "${files[@]}"; do
        cp "$f" "$dir/$(echo "$f" | md5sum | cut -c1-8).txt"
    done
fi
echo x > "$tmp/one.txt"
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$kinex" extract --jobs 1 "$1" 2>&1 >/dev/null |
        awk '/Collected/ {print $4}'
}
start=$(count "$tmp/one.txt")
total=$(count "$dir")
bytes=$(find "$dir" -type f -exec cat {} + | wc -c)
echo "start-up: $start instructions"
echo "$dir: $bytes bytes, $(( (total - start) / bytes )) instructions per byte"
