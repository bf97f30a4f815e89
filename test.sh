#!/usr/bin/env bash
# Runs the whole test suite (every test project of KeepAlive.sln). Privileged tests run when root and skip otherwise.
#
# As root (with no arguments, and clang to link it), the native executable that hosts run is published first
# (Controller/Properties/PublishProfiles/Native.pubxml, in a directory of its own) and every test that starts keepalive
# as a process runs it (KEEPALIVE_EXE); the daemon tests of the `dotnet keepalive.dll` host then run once more.
set -euo pipefail
cd "$(dirname "$0")"
results="${KA_TEST_RESULTS:-$(pwd)/artifacts/test-results}"
mkdir -p "$results"

if [[ $# -gt 0 || $(id -u) -ne 0 ]]; then
  exec dotnet test KeepAlive.sln -c Release --logger "trx" --results-directory "$results" "$@"
fi
if ! command -v clang >/dev/null; then
  echo "test.sh: no clang (apt-get install clang): the daemon tests run the JIT build only, not the native executable" >&2
  exec dotnet test KeepAlive.sln -c Release --logger "trx" --results-directory "$results"
fi

native="$(mktemp -d)"
trap 'rm -rf "$native"' EXIT
echo "test.sh: publishing the native executable (Native AOT, about 2 min)..."
# Its own artifacts directory: the AOT build's feature switches must not reach the JIT build the other tests use.
dotnet publish Controller -c Release -p:PublishProfile=Native --artifacts-path "$native/artifacts" -o "$native/app" -v quiet -nologo
# Both passes run whatever the first one found; the script fails if either did.
status=0
KEEPALIVE_EXE="$native/app/keepalive" dotnet test KeepAlive.sln -c Release --logger "trx" --results-directory "$results" || status=$?
dotnet test Tests/KeepAlive.Privileged.Tests -c Release --no-build --logger "trx;LogFilePrefix=dotnet-host" --results-directory "$results" \
  --filter "FullyQualifiedName~.KeepAliveDaemonTests|FullyQualifiedName~.KeepAliveServiceTests" || status=$?
exit "$status"
