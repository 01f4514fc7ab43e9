#!/usr/bin/env bash
# The whole test suite, as CI runs it on a clean clone: set up, then unit tests, then the end-to-end tests
# (a real Linux 6.1 build, about 5 minutes cold on 2 cores and cached after, booted in QEMU).
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/setup.sh
# The builder's own real-build tests are gated for quick local runs; the full suite runs them.
export TESTLAB_BUILDER_REAL=1
exec node infra/run-tests.mjs "${1:-all}"
