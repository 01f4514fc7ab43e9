#!/usr/bin/env bash
# Starts the lab on $TESTLAB_HOME after a first run there (infra/main.sh calls it): writes the lab config
# for this machine ($TESTLAB_HOME/labd.yaml: QEMU NUTs whose known-good kernel is the one that run built,
# the tarball as the lab's kernel, the dashboard on loopback with a mode-600 API token), starts labd and
# the dashboard in the background (logs and pid files in $TESTLAB_HOME/daemons; earlier ones are stopped
# first), waits until the dashboard answers and prints its URL. Usage: start-lab.sh <tarball> <test set>
set -euo pipefail
cd "$(dirname "$0")/.."
export TESTLAB_HOME="${TESTLAB_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/testlab}"
export TESTLAB_CACHE="${TESTLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/testlab}"
TARBALL=${1:?usage: start-lab.sh <kernel tarball> <test set>}
TESTSET=${2:?usage: start-lab.sh <kernel tarball> <test set>}

config=$(node infra/write-lab-config.mjs "$TESTLAB_HOME" "$TESTLAB_CACHE" "$TARBALL" "$TESTSET")
node apps/labd/dist/src/main.js --config "$config" --check >/dev/null

bash infra/stop.sh --quiet
daemons="$TESTLAB_HOME/daemons"
mkdir -p "$daemons"
start() { # name, then the command; own session (setsid) so closing this terminal does not end it
  local name=$1; shift
  setsid nohup "$@" >>"$daemons/$name.log" 2>&1 </dev/null &
  echo $! >"$daemons/$name.pid"
}
start labd node apps/labd/dist/src/main.js --config "$config"
start web node apps/web/dist/src/main.js --config "$config"

url="http://127.0.0.1:${TESTLAB_WEB_PORT:-8080}"
# Wait until the dashboard answers (it opens the database and the port in about a second); a daemon that
# exits meanwhile ends the wait with its log.
for _ in $(seq 1 120); do
  for name in labd web; do
    if ! kill -0 "$(cat "$daemons/$name.pid")" 2>/dev/null; then
      echo "main: $name exited at start; the end of $daemons/$name.log:" >&2
      tail -n 20 "$daemons/$name.log" >&2
      exit 1
    fi
  done
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url/api/status"; then
    echo
    echo "The lab is running (daemon and dashboard; logs in $daemons/):"
    echo "  dashboard:  $url/"
    echo "  config:     $config (API token in $TESTLAB_HOME/api-token)"
    echo "  stop them:  bash infra/stop.sh"
    exit 0
  fi
  sleep 0.5
done
echo "main: the dashboard did not answer at $url; see $daemons/web.log" >&2
exit 1
