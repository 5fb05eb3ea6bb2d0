#!/usr/bin/env bash
# Builds fuzz/corpus/<target>/ (git-ignored) from samples/*.txt and the
# committed fuzz/seeds/. Safe to run again: existing corpus entries stay.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
for t in clean segment pipeline jsonl; do mkdir -p "$here/corpus/$t"; done
for f in "$root"/samples/*.txt "$here"/seeds/text/*; do
  [ -f "$f" ] || continue
  name=$(basename "$f")
  for t in clean segment pipeline; do cp "$f" "$here/corpus/$t/$name"; done
  # Paragraph-sized pieces too: small inputs make fast, focused executions.
  awk -v out="$here/corpus/pipeline/$name.p" 'BEGIN{RS="";n=0} {n++; f=out n; print > f; close(f)}' "$f"
done
cp "$here"/seeds/text/* "$here/corpus/clean/" 2>/dev/null || true
for f in "$here"/seeds/jsonl/*; do cp "$f" "$here/corpus/jsonl/"; done
# Each sample as one JSONL document (needs jq; skipped without it).
if command -v jq >/dev/null; then
  for f in "$root"/samples/*.txt; do
    jq -Rsc --arg id "$(basename "$f")" '{id: $id, text: ., date: "2026-02-07"}' "$f" \
      > "$here/corpus/jsonl/$(basename "$f").jsonl"
  done
fi
echo "corpus: $(find "$here/corpus" -type f | wc -l) files"
