#!/usr/bin/env bash
# Compares kinex's single-thread throughput with spaCy on the same corpus.
# Not part of CI. Usage: benches/compare_spacy.sh [CORPUS_DIR]
#   CORPUS_DIR  a folder of *.txt articles; default: a 20 MB corpus generated
#               with `kinex gen-corpus --mb $MB --seed 1` under target/.
# Environment: MB (default 20), VENV (default target/spacy-venv), PYTHON
# (default python3). Creates its own venv and pip-installs spaCy into it; it
# downloads no model: (b) runs only when en_core_web_sm is already importable
# by that Python (e.g. VENV pointing at an environment that has it).
# Prints each tool's time and kinex's speed as a multiple of each.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${MB:-20}
VENV=${VENV:-target/spacy-venv}
PYTHON=${PYTHON:-python3}

cargo build --release --quiet
KINEX=target/release/kinex

CORPUS=${1:-target/spacy-corpus-${MB}mb}
if [ -z "${1:-}" ] && [ ! -d "$CORPUS" ]; then
    "$KINEX" gen-corpus --out "$CORPUS" --mb "$MB" --seed 1
fi

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -c "import spacy" 2>/dev/null || "$VENV/bin/pip" install --quiet spacy

# kinex: best of 3 single-thread runs, JSON output discarded. Times are CPU
# seconds (user + system) on both sides, so other load on the machine does
# not skew the ratio.
best=""
for _ in 1 2 3; do
    t=$( { /usr/bin/time -f "%U %S" "$KINEX" extract --jobs 1 "$CORPUS" > /dev/null; } 2>&1 | tail -1 | awk '{print $1 + $2}')
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
done
echo "kinex extract --jobs 1: ${best} CPU s"

"$VENV/bin/python" - "$CORPUS" gazetteers "$best" <<'PY'
import os, sys, time
import spacy

corpus, gazdir, kinex_s = sys.argv[1], sys.argv[2], float(sys.argv[3])
paths = sorted(
    os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs if f.endswith(".txt")
)
texts = [open(p, encoding="utf-8", errors="replace").read() for p in paths]
nbytes = sum(len(t.encode("utf-8")) for t in texts)
print(f"corpus: {len(texts)} documents, {nbytes / 1e6:.1f} MB")
print(f"kinex: {nbytes / 1e6 / kinex_s:.1f} MB per CPU second")

def labels_of(name):
    for prefix, label in (("film", "FILM"), ("person", "PERSON"), ("people", "PERSON"),
                          ("award", "AWARD"), ("festival", "FESTIVAL")):
        if name.startswith(prefix):
            return label
    return None

# kinex's own gazetteers as phrase patterns: the name and its aliases.
patterns = []
for root, _, files in os.walk(gazdir):
    if os.path.relpath(root, gazdir).startswith("lexicon"):
        continue
    for f in sorted(files):
        label = labels_of(f.lower())
        if not f.endswith(".txt") or label is None:
            continue
        for line in open(os.path.join(root, f), encoding="utf-8"):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            names = line.split(";", 1)[0]
            for n in names.split("|"):
                n = n.strip()
                if n:
                    patterns.append({"label": label, "pattern": n})
print(f"entity_ruler patterns: {len(patterns)}")

def run(nlp, name):
    t0 = time.process_time()
    ents = 0
    for doc in nlp.pipe(texts, batch_size=32):
        ents += len(doc.ents)
    s = time.process_time() - t0
    print(f"{name}: {s:.2f} CPU s, {nbytes / 1e6 / s:.2f} MB per CPU s, {ents} entities; "
          f"kinex is {s / kinex_s:.1f}x faster")

t0 = time.perf_counter()
nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
ruler.add_patterns(patterns)
print(f"(a) blank('en') + sentencizer + entity_ruler built in {time.perf_counter() - t0:.2f} s")
run(nlp, "(a) spaCy rules")

if spacy.util.is_package("en_core_web_sm"):
    nlp = spacy.load("en_core_web_sm")
    run(nlp, "(b) en_core_web_sm")
else:
    print("(b) en_core_web_sm is not installed: skipped (this script downloads no model)")
PY
