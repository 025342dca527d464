#!/usr/bin/env bash
# The main job on a fresh machine: install the packages, build, create the SQLite demo host
# database, classify it and print the segment table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release
cmake --build --preset release -j "$(nproc)"   # the plugin, the command, the demo generator
build/release/host/custclass demo --dir build/demo "$@"
