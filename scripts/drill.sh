#!/usr/bin/env bash
# Fault drills against the real server binary, each one command:
#   scripts/drill.sh crash|outage|bad-input|rate-limit|fairness|abuse|all [--short] [--sqlite|--postgres] [--release]
# Without --sqlite/--postgres each drill runs on both. --release drills the
# release build (default: the debug build). Exits non-zero when a drill
# finds lost messages, a wrong answer, unbounded memory or a starved store.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres.sh"

profile=debug
args=()
for a in "$@"; do
  if [ "$a" = --release ]; then profile=release; else args+=("$a"); fi
done

ensure_postgres
if [ "$profile" = release ]; then
  step "cargo build --release (server, drills)"
  cargo build --release -p server -p notify-bench --bin server --bin drill
else
  step "cargo build (server, drills)"
  cargo build -p server -p notify-bench --bin server --bin drill
fi
SERVER_BIN="target/$profile/server" "target/$profile/drill" "${args[@]}"
