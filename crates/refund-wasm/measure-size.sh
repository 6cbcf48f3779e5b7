#!/bin/sh
# Measures the refund wasm module as the site ships it: built like build.rs
# builds it (opt-level z, fat LTO, panic=abort, one codegen unit, stripped),
# then gzip -9. Fails when the gzipped size reaches the 20 KB budget.
#
#   sh crates/refund-wasm/measure-size.sh        (from the repo root)
set -eu
target_dir="${REFUND_WASM_TARGET_DIR:-target/refund-wasm-size}"
CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
CARGO_PROFILE_RELEASE_LTO=true \
CARGO_PROFILE_RELEASE_PANIC=abort \
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
CARGO_PROFILE_RELEASE_STRIP=true \
CARGO_PROFILE_RELEASE_DEBUG=false \
  cargo build --quiet --release --target wasm32-unknown-unknown -p refund-wasm --target-dir "$target_dir"
wasm="$target_dir/wasm32-unknown-unknown/release/refund_wasm.wasm"
raw=$(wc -c < "$wasm")
gz=$(gzip -9c "$wasm" | wc -c)
echo "refund_wasm.wasm: $raw bytes, $gz bytes gzip -9 (budget 20480)"
if command -v wasm-opt >/dev/null 2>&1; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals "$wasm" -o "$wasm.opt"
  echo "after wasm-opt -Oz: $(wc -c < "$wasm.opt") bytes, $(gzip -9c "$wasm.opt" | wc -c) bytes gzip -9"
fi
[ "$gz" -lt 20480 ]
