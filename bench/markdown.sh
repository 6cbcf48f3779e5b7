#!/usr/bin/env bash
# Benchmarks of the markdown module: MB/s on the 10k generated corpus next to
# plain pulldown-cmark, and the 1 MB -> 10 MB scaling check.
#   bash bench/markdown.sh            # both
#   bash bench/markdown.sh corpus     # only the corpus
#   bash bench/markdown.sh scaling    # only the scaling check
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CORPUS:-/tmp/c10k}
run() { cargo run --quiet --release --manifest-path bench/markdown/Cargo.toml -- "$@"; }
what=${1:-both}
if [ "$what" != scaling ]; then
  if [ ! -d "$corpus/faqtory/content" ]; then
    python3 ../shared/bench/gen_corpus.py 10000 "$corpus" >/dev/null
  fi
  run corpus "$corpus/faqtory/content"
fi
if [ "$what" != corpus ]; then
  run scaling
fi
