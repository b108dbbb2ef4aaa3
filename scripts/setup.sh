#!/usr/bin/env bash
# Installs what building and running the product needs, skipping whatever is
# already there. `setup.sh --test` adds what the test suite needs.
# Every tool comes from a package registry (crates.io, npm, Debian): no
# binary is downloaded from anywhere else.
source "$(dirname "$0")/lib.sh"

FOR_TESTS=
[ "${1:-}" = "--test" ] && FOR_TESTS=1

have cargo || { echo "Rust (cargo, via rustup) is required" >&2; exit 1; }
have npm || apt_install nodejs npm

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos 0.3.10 is the newest that builds on Rust 1.95 (--locked).
if [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos 0.3.10" ]; then
  step "cargo install cargo-leptos 0.3.10 (about 15 minutes on 2 cores, once)"
  cargo install cargo-leptos --version 0.3.10 --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen crate exactly. Its own lockfile
# asks for a crate version the registry lacks, so no --locked.
WB="$(locked_wasm_bindgen)"
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WB" ]; then
  step "cargo install wasm-bindgen-cli $WB"
  cargo install wasm-bindgen-cli --version "$WB" --force
fi

# wasm-opt from npm's binaryen: Debian's (108) produces WASM that never hydrates.
if ! wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
  step "npm install -g binaryen@132.0.0"
  as_root npm install -g --no-audit --no-fund binaryen@132.0.0
fi

if [ -n "$FOR_TESTS" ]; then
  apt_install chromium chromium-driver
  # schemathesis (the API contract test), in a virtualenv of the checkout's own.
  SCHEMATHESIS=4.32.5
  if [ "$(.tools/venv/bin/st --version 2>/dev/null)" != "st, version $SCHEMATHESIS" ]; then
    step "pip install schemathesis==$SCHEMATHESIS (into .tools/venv)"
    python3 -m venv .tools/venv
    .tools/venv/bin/pip install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS"
  fi
  # promtool (Debian's prometheus package) checks and unit-tests ops/alerts.yml.
  have promtool || apt_install prometheus
  if [ ! -x end2end/node_modules/.bin/playwright ]; then
    step "npm ci (end2end)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
fi
