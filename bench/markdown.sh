#!/usr/bin/env bash
# Benchmarks of the markdown module: MB/s on the 10k generated corpus next to
# plain pulldown-cmark, and the 1 MB -> 10 MB -> 20 MB scaling check.
#   bash bench/markdown.sh            # both
#   bash bench/markdown.sh corpus     # only the corpus
#   bash bench/markdown.sh scaling    # only the scaling check (1, 10 and 20 MB)
#   bash bench/markdown.sh instructions   # callgrind instruction counts
#     (LIMIT pages, default 300): load-independent, for a shared machine
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CORPUS:-/tmp/c10k}
run() { cargo run --quiet --release --manifest-path bench/markdown/Cargo.toml -- "$@"; }
what=${1:-both}
if [ "$what" = instructions ]; then
  cargo build --quiet --release --manifest-path bench/markdown/Cargo.toml
  bin=${CARGO_TARGET_DIR:-bench/markdown/target}/release/markdown-bench
  count() {
    LIMIT=${LIMIT:-300} valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$corpus/faqtory/content" 2>&1 |
      sed -n 's/.*Collected : //p'
  }
  read=$(count read); plain=$(count plain); render=$(count render)
  echo "instructions over ${LIMIT:-300} pages (reading subtracted):"
  echo "  plain pulldown-cmark push_html: $((plain - read))"
  echo "  faqtory markdown::render:       $((render - read))"
  awk -v p=$((plain - read)) -v r=$((render - read)) 'BEGIN { printf "  dialect cost: %.2fx plain\n", r / p }'
  exit 0
fi
if [ "$what" != scaling ]; then
  if [ ! -d "$corpus/faqtory/content" ]; then
    python3 bench/corpus.py 10000 "$corpus" >/dev/null
  fi
  run corpus "$corpus/faqtory/content"
fi
if [ "$what" != corpus ]; then
  run scaling
fi
