#!/usr/bin/env bash
# Fuzzes the webhook normalisers and signature parsers with cargo-fuzz
# (libFuzzer). `scripts/fuzz.sh [seconds per target, default 10]`.
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP lets this
# machine's stable toolchain accept them, without a sanitizer runtime.
source "$(dirname "$0")/lib.sh"

if ! cargo fuzz --version >/dev/null 2>&1; then
  step "cargo install cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

seconds="${1:-10}"
export RUSTC_BOOTSTRAP=1
cd "$ROOT/fuzz"
for target in $(cargo fuzz list); do
  step "fuzz $target for ${seconds}s"
  mkdir -p "corpus/$target"
  cargo fuzz run --sanitizer none "$target" "corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 2>&1 | tail -n 3
done
