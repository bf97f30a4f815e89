#!/usr/bin/env bash
# The main job today: build KeepAlive and run its keepalived-compatible configuration test (-t) on the bundled
# sample configuration, printing every diagnostic and the model as JSON. Pass a path to check your own file.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build Controller -c Release -v quiet -nologo >/dev/null
keepalive() { dotnet Controller/bin/Release/net10.0/linux-x64/keepalive.dll "$@"; }
check() {
  echo "== keepalive --config-test --use-file $1"
  set +e; keepalive --config-test --use-file "$1" "${@:2}"; local rc=$?; set -e
  echo "exit code: $rc (as keepalived 2.2.7 -t: 0 ok, 5 problems it still runs with, 4 cannot run, 2 stops on it, 6 script security)"
  echo
}
# The samples name eth0; on a host without eth0, check a copy that names this host's first interface instead.
samples=Controller/samples
if [ ! -e /sys/class/net/eth0 ]; then
  iface=$(ls /sys/class/net | grep -v '^lo$' | head -n1 || true)
  if [ -n "$iface" ]; then
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    for f in "$samples"/*.conf; do sed "s/eth0/$iface/g" "$f" > "$tmp/$(basename "$f")"; done
    samples=$tmp
    echo "(this host has no eth0: the samples are checked with interface $iface)"
  fi
fi
if [ $# -gt 0 ]; then
  check "$1" --dump-json
else
  check "$samples/keepalived.conf"
  check "$samples/broken.conf"
  echo "== the bound model of keepalived.conf (--dump-json): first VRRP instance and first virtual server"
  keepalive --dump-json --use-file "$samples/keepalived.conf" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
text = json.dumps({"vrrp_instances": d["vrrp_instances"][:1], "virtual_servers": d["virtual_servers"][:1]}, indent=2)
print("\n".join(text.splitlines()[:80]))'
fi
