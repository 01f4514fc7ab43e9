#!/usr/bin/env bash
# The whole test suite, as CI runs it on a clean clone: set up, then unit tests, then the end-to-end tests
# (a real Linux 6.1 build, about 5 minutes cold on 2 cores and cached after, booted in QEMU).
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/setup.sh
exec node infra/run-tests.mjs "${1:-all}"
