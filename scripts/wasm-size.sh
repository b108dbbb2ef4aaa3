#!/usr/bin/env bash
# The page's WASM as a release build serves it, checked against its budget:
# the wasm-release build, wasm-bindgen and `wasm-opt -Oz` with the flags
# cargo-leptos 0.3.10 uses, then gzip -9 and brotli 11 (Node's zlib, as
# Node is here for Playwright). Prints raw / gzip / brotli bytes; exits 1
# when brotli (what a first visit downloads) is over WASM_BUDGET_KIB
# (default 200). scripts/bench.sh measures the file the server sends.
#
#   scripts/wasm-size.sh
source "$(dirname "$0")/lib.sh"

budget=$(( ${WASM_BUDGET_KIB:-200} * 1024 ))
cargo build -p frontend --lib --target wasm32-unknown-unknown --no-default-features --profile wasm-release
out="$(mktemp -d /tmp/cn-wasm-size.XXXXXX)"
trap 'rm -rf "$out"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name frontend \
  "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/frontend.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$out/frontend_bg.wasm" -o "$out/frontend.opt.wasm"
node -e '
const fs = require("fs"), zlib = require("zlib");
const wasm = fs.readFileSync(process.argv[1]);
const gzip = zlib.gzipSync(wasm, { level: 9 }).length;
const br = zlib.brotliCompressSync(wasm, { params: {
  [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
  [zlib.constants.BROTLI_PARAM_SIZE_HINT]: wasm.length } }).length;
const budget = Number(process.argv[2]);
console.log(`release WASM: raw ${wasm.length} B, gzip ${gzip} B, brotli ${br} B (budget ${budget} B)`);
if (br > budget) {
  console.error(`the page WASM is over its budget by ${br - budget} B (brotli)`);
  process.exit(1);
}' "$out/frontend.opt.wasm" "$budget"
