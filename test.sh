#!/usr/bin/env bash
# Runs the whole test suite (every test project of KeepAlive.sln). Privileged tests run when root and skip otherwise.
set -euo pipefail
cd "$(dirname "$0")"
results="${KA_TEST_RESULTS:-$(pwd)/artifacts/test-results}"
mkdir -p "$results"
dotnet test KeepAlive.sln -c Release --logger "trx" --results-directory "$results" "$@"
