#!/usr/bin/env bash
# Runs Customer Notifications on its embedded default: a SQLite file under
# ./data, email and SMS written to local sink folders. Prints the URL.
source "$(dirname "$0")/lib.sh"

"$ROOT/scripts/setup.sh"

step "cargo leptos build --release"
cargo leptos build --release

export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
step "starting on http://$LEPTOS_SITE_ADDR/settings/customer-notifications (Ctrl-C stops it)"
exec "$ROOT/target/release/server"
