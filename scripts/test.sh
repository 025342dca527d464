#!/usr/bin/env bash
# Every test on a fresh machine: install the packages, build with the ci preset, run ctest; then
# the hooks' stress test built and run under ThreadSanitizer (the tsan preset).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset ci
cmake --build --preset ci -j "$(nproc)"
ctest --preset ci -j "$(nproc)"
# ABI.md rule 7 under ThreadSanitizer: hooks concurrent with full runs (tests/stress/).
cmake --preset tsan
cmake --build --preset tsan -j "$(nproc)"
ctest --preset tsan
