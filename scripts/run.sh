#!/usr/bin/env bash
# Runs Customer Notifications on its embedded default: a SQLite file under
# ./data, email and SMS written to local sink folders. Prints the URL.
source "$(dirname "$0")/lib.sh"

"$ROOT/scripts/setup.sh"

# The site's CSS, JS and WASM under content-hashed names (browsers keep them
# a year without asking again), each with brotli and gzip variants beside it
# (served to browsers that accept them). The server reads the same variable:
# its pages name the hashed files (from target/release/hash.txt).
export LEPTOS_HASH_FILES=true
step "cargo leptos build --release --precompress"
cargo leptos build --release --precompress

# Its defaults (LEPTOS_SITE_ADDR and the rest) are the server's own: see
# `server --help`. It prints where it listens.
step "starting Customer Notifications (Ctrl-C stops it)"
exec "$ROOT/target/release/server"
