#!/usr/bin/env bash
# Runs Customer Notifications on its embedded default: a SQLite file under
# ./data, email and SMS written to local sink folders. Prints the URL.
source "$(dirname "$0")/lib.sh"

"$ROOT/scripts/setup.sh"

step "cargo leptos build --release"
cargo leptos build --release

# Its defaults (LEPTOS_SITE_ADDR and the rest) are the server's own: see
# `server --help`. It prints where it listens.
step "starting Customer Notifications (Ctrl-C stops it)"
exec "$ROOT/target/release/server"
