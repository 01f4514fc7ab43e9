#!/usr/bin/env bash
# Stops the lab daemon and the dashboard that infra/main.sh started (their pid files under
# $TESTLAB_HOME/daemons). labd finishes or releases its running jobs within its grace period on SIGTERM;
# a process still there after that is killed. A pid file whose process is not ours is only removed.
set -euo pipefail
cd "$(dirname "$0")/.."
quiet=false; [ "${1:-}" = --quiet ] && quiet=true
export TESTLAB_HOME="${TESTLAB_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/testlab}"
daemons="$TESTLAB_HOME/daemons"
say() { $quiet || echo "$@"; }

for name in web labd; do
  file="$daemons/$name.pid"
  [ -f "$file" ] || continue
  pid=$(cat "$file")
  # The pid may have been reused since: only a node process running our program is signalled.
  if [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "apps/$([ $name = web ] && echo web || echo labd)/dist/src/main.js"; then
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    # labd's shutdownGraceSeconds (30 in the generated config) plus time to close the database.
    for _ in $(seq 1 90); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name did not stop within 45 s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
done
say "stopped"
