#!/usr/bin/env bash
# Wall-clock A/B of two kinex binaries on one folder, for a machine that
# is not quiet: the two are run alternately (A B A B ...) so that a busy
# minute slows both, and each one's best and median are printed. Their
# outputs must be byte-identical, or the script fails. Not part of CI.
#
#   benches/ab.sh OLD NEW [DIR] [RUNS] [JOBS]
#
# DIR defaults to /tmp/kx100 (`kinex gen-corpus --out /tmp/kx100 --mb 100
# --seed 1`), RUNS to 5 per binary, JOBS to 1.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
a=$1 b=$2 dir=${3:-/tmp/kx100} runs=${4:-5} jobs=${5:-1}
for k in "$a" "$b"; do
    [ -x "$k" ] || { echo "$k: not an executable" >&2; exit 1; }
done
[ -d "$dir" ] || { echo "$dir: no such folder (see the header of $0)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bytes=$(find "$dir" -type f -name '*.txt' -exec cat {} + | wc -c)
for i in $(seq "$runs"); do
    for side in a b; do
        k=$a; [ "$side" = b ] && k=$b
        s=$(date +%s.%N)
        "$k" extract --jobs "$jobs" "$dir" > "$tmp/$side.jsonl"
        e=$(date +%s.%N)
        echo "$side $(echo "$e - $s" | bc)" >> "$tmp/times"
    done
done
cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl" || { echo "outputs differ" >&2; exit 1; }
for side in a b; do
    k=$a; [ "$side" = b ] && k=$b
    awk -v s="$side" '$1 == s {print $2}' "$tmp/times" | sort -n | awk -v k="$k" -v mb="$bytes" '
        { t[NR] = $1 }
        END {
            med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            printf "%s: best %.2f s (%.1f MB/s), median %.2f s, %d runs\n", k, t[1], mb / 1e6 / t[1], med, NR
        }'
done
echo "outputs identical"
