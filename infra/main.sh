#!/usr/bin/env bash
# The main job on the embedded default (SQLite, a QEMU NUT): install everything, then build Debian's
# Linux 6.1 source, boot it on a QEMU NUT, run the phase2-host test set and print the results table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/setup.sh
exec node apps/cli/dist/src/main.js run --source /usr/src/linux-source-6.1.tar.xz --testset phase2-host "$@"
