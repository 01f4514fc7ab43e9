#!/usr/bin/env bash
# The main job on the embedded default (SQLite, QEMU NUTs): install everything, build Debian's Linux 6.1
# source, boot it on a QEMU NUT, run the phase2-host test set and print the results table. Then leave the
# lab running on the same lab home: a config for this machine ($TESTLAB_HOME/labd.yaml, the kernel just
# built as the NUTs' known-good), the lab daemon and the dashboard in the background, and print the
# dashboard's URL. A second call replaces the daemons it started before. Stop them: bash infra/stop.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/setup.sh

# The CLI's own defaults (apps/cli/src/lab-paths.ts), made explicit so the daemons use the same lab.
export TESTLAB_HOME="${TESTLAB_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/testlab}"
export TESTLAB_CACHE="${TESTLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/testlab}"
TARBALL=/usr/src/linux-source-6.1.tar.xz
TESTSET=phase2-host

# The lab's own failure (exit 1, the stage named) stops here: there is no known-good kernel to start a lab with.
node apps/cli/dist/src/main.js run --source "$TARBALL" --testset "$TESTSET" "$@"

exec bash infra/start-lab.sh "$TARBALL" "$TESTSET"
