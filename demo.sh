#!/usr/bin/env bash
# ./demo.sh         The live failover demo (root): builds KeepAlive (Release), builds a small lab in network namespaces
#                   (ka-demo-<pid>-*: a bridge, load balancers lb1 and lb2, a client), runs two of our daemons with
#                   demo/node1.conf and demo/node2.conf, and shows the election, the client reaching the VIPs, a
#                   SIGKILL of the master and the takeover, preemption when lb1 comes back, and the priority-0
#                   handover on SIGTERM, with timings measured on the wire (tcpdump on the client's interface).
#                   Everything it starts and creates is removed on every exit path. ~20 s after the build.
#                   Without root it says so and runs the configuration test below instead.
# ./demo.sh FILE    The keepalived-compatible configuration test (-t) of FILE, with the model as JSON.
#
# KEEPALIVE_DLL=path/keepalive.dll skips the build and runs that build instead (the tests use their own);
# KEEPALIVE_EXE=path/keepalive runs that executable instead (the native build: dotnet publish ... -p:PublishProfile=Native).
set -euo pipefail
cd "$(dirname "$0")"
REPO=$(pwd)
DLL=${KEEPALIVE_DLL:-$REPO/Controller/bin/Release/net10.0/linux-x64/keepalive.dll}

if [[ -n "${KEEPALIVE_EXE:-}" ]]; then KA=("$KEEPALIVE_EXE"); else KA=(dotnet "$DLL"); fi

build() {
  if [[ -z "${KEEPALIVE_DLL:-}${KEEPALIVE_EXE:-}" ]]; then
    echo "building KeepAlive (dotnet build Controller -c Release)..."
    dotnet build Controller -c Release -v quiet -nologo >/dev/null
  fi
}
keepalive() { "${KA[@]}" "$@"; }

# --- the configuration test (what demo.sh did before the live demo; the fallback without root) -----------------
check() {
  echo "== keepalive --config-test --use-file $1"
  set +e; keepalive --config-test --use-file "$1" "${@:2}"; local rc=$?; set -e
  echo "exit code: $rc (as keepalived 2.2.7 -t: 0 ok, 5 problems it still runs with, 4 cannot run, 2 stops on it, 6 script security)"
  echo
}

config_test() {
  # The samples name eth0; on a host without eth0, check a copy that names this host's first interface instead.
  local samples=Controller/samples iface
  if [ ! -e /sys/class/net/eth0 ]; then
    iface=
    for f in /sys/class/net/*; do
      if [[ ${f##*/} != lo ]]; then iface=${f##*/}; break; fi
    done
    if [ -n "$iface" ]; then
      CT_TMP=$(mktemp -d); trap 'rm -rf "$CT_TMP"' EXIT
      for f in "$samples"/*.conf; do sed "s/eth0/$iface/g" "$f" > "$CT_TMP/$(basename "$f")"; done
      samples=$CT_TMP
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
}

if [ $# -gt 0 ]; then
  build
  config_test "$1"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "demo.sh: the live failover demo needs root (it creates network namespaces and runs VRRP on raw sockets)."
  echo "demo.sh: run 'sudo ./demo.sh' for it; running the configuration test of the bundled samples instead."
  echo
  build
  config_test
  exit 0
fi

# --- the live demo --------------------------------------------------------------------------------------------
for tool in ip tcpdump python3 setsid dotnet; do
  command -v "$tool" >/dev/null || { echo "demo.sh: $tool is missing (apt-get install ${tool/ip/iproute2})" >&2; exit 1; }
done
build
# The interpreter itself, not a version manager's shim: it runs a dozen times, inside namespaces.
PY=$(python3 -c 'import sys; print(sys.executable)')
# shellcheck source=demo/lab.env
source demo/lab.env
PREFIX_LEN=${LAB_SUBNET#*/}
ID=$$
NS_SW=ka-demo-$ID-sw NS_LB1=ka-demo-$ID-lb1 NS_LB2=ka-demo-$ID-lb2 NS_CLIENT=ka-demo-$ID-client
TMP=$(mktemp -d /tmp/ka-demo.XXXXXX)
CREATED_NS=()          # only the namespaces this run created are deleted
STARTED=()             # only the processes this run started are stopped (by pid)
declare -A DAEMON=()   # node -> pid of its keepalive
START_US=${EPOCHREALTIME/./}

say() { local e=$(( ${EPOCHREALTIME/./} - START_US )); printf '[%3d.%02d s] %s\n' $((e / 1000000)) $((e % 1000000 / 10000)) "$*"; }

exited() { # PID: gone, or a zombie waiting for us
  local s
  { read -r s < "/proc/$1/stat"; } 2>/dev/null || return 0
  s=${s##*) }
  [[ ${s%% *} == Z ]]
}

cleanup() {
  local rc=$? pid ns i left=()
  trap - EXIT INT TERM
  for pid in "${STARTED[@]}"; do exited "$pid" || kill -TERM "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 100; i++)); do
    left=()
    for pid in "${STARTED[@]}"; do exited "$pid" || left+=("$pid"); done
    ((${#left[@]} == 0)) && break
    sleep 0.1
  done
  for pid in "${left[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${STARTED[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ((i = ${#CREATED_NS[@]} - 1; i >= 0; i--)); do ip netns del "${CREATED_NS[i]}" 2>/dev/null || true; done
  if [[ -n "${KA_DEMO_KEEP:-}" ]]; then mkdir -p "$KA_DEMO_KEEP" && cp -r "$TMP"/. "$KA_DEMO_KEEP"/ && echo "kept the capture and logs in $KA_DEMO_KEEP"; fi
  rm -rf "$TMP"
  echo "cleanup: stopped processes ${STARTED[*]:-(none)}; deleted namespaces ${CREATED_NS[*]:-(none)}"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "demo.sh: interrupted"; exit 130' INT
trap 'echo "demo.sh: terminated"; exit 143' TERM

fail() {
  echo "demo.sh: $*" >&2
  local n
  for n in lb1 lb2; do
    [[ -f "$TMP/$n.log" ]] && { echo "--- last lines of $n's keepalive output:" >&2; tail -n 20 "$TMP/$n.log" >&2; }
  done
  exit 1
}

new_ns() {
  ip netns add "$1"
  CREATED_NS+=("$1")
  ip -n "$1" link set lo up
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
}

plug() { # NS MAC ADDR: a veth from the namespace's LB_IFACE to a port of the bridge
  local port=p$((${#CREATED_NS[@]}))
  ip -n "$NS_SW" link add "$port" type veth peer name "$LB_IFACE" netns "$1" address "$2"
  ip -n "$NS_SW" link set "$port" master br0 up
  ip -n "$1" link set "$LB_IFACE" up
  ip -n "$1" addr add "$3/$PREFIX_LEN" dev "$LB_IFACE"
}

node_ns() { [[ $1 == lb1 ]] && echo "$NS_LB1" || echo "$NS_LB2"; }

vip_count() { # NODE -> how many of the demo's VIPs are on its interface
  ip -n "$(node_ns "$1")" -o -4 addr show dev "$LB_IFACE" 2>/dev/null | grep -cF -f "$TMP/vips.grep" || true
}

wait_until() { # SECONDS COMMAND...: polls every 50 ms
  local end=$(( ${EPOCHREALTIME/./} + ${1%.*} * 1000000 )); shift
  until "$@"; do
    (( ${EPOCHREALTIME/./} < end )) || return 1
    sleep 0.05
  done
}

holds() { [[ $(vip_count "$1") -eq $2 ]]; }
master_is() { local other=lb2; [[ $1 == lb2 ]] && other=lb1; holds "$1" "$NVIPS" && holds "$other" 0; }

start_node() { # NODE CONF: our daemon in its namespace, in a session of its own (a ^C reaches only demo.sh)
  setsid ip netns exec "$(node_ns "$1")" "${KA[@]}" -n -l -D -p "$TMP/$1.pid" -f "$REPO/demo/$2" </dev/null >>"$TMP/$1.log" 2>&1 &
  DAEMON[$1]=$!
  STARTED+=("$!")
}

show_addresses() {
  local n
  for n in lb1 lb2; do
    printf '    %-4s %s\n' "$n:" "$(ip -n "$(node_ns "$n")" -br -4 addr show dev "$LB_IFACE" | tr -s ' ')"
  done
}

whose_mac() { case ${1,,} in "${LB1_MAC,,}") echo lb1 ;; "${LB2_MAC,,}") echo lb2 ;; *) echo "?" ;; esac; }

client_neighbour() { # VIP -> "VIP is at MAC (node)" from the client's ARP table
  local mac
  mac=$(ip -n "$NS_CLIENT" neigh show "$1" dev "$LB_IFACE" | grep -oE 'lladdr [0-9a-f:]+' | cut -d' ' -f2 || true)
  echo "    client's ARP table: $1 is at ${mac:-(none)} ($(whose_mac "${mac:-none}"))"
}

timings() { # PHASE T0: the numbers, from the capture (a second look a moment later if the packets are not in yet)
  local out _
  for _ in 1 2 3; do
    if out=$(DEMO_PCAP=$TMP/lab.pcap DEMO_LAB=$REPO/demo/lab.env DEMO_MODEL1=$TMP/node1.json DEMO_MODEL2=$TMP/node2.json \
               "$PY" -I -S demo/demo.py timings "$1" "$2" 2>&1); then
      printf '%s\n' "$out" | tee -a "$TMP/timings.txt"
      return 0
    fi
    sleep 1
  done
  fail "no timings for $1 in the capture: $out"
}

# 1. The lab.
new_ns "$NS_SW"
ip -n "$NS_SW" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
ip -n "$NS_SW" link set br0 up
for spec in "$NS_LB1 $LB1_MAC $LB1_ADDR" "$NS_LB2 $LB2_MAC $LB2_ADDR" "$NS_CLIENT $CLIENT_MAC $CLIENT_ADDR"; do
  read -r ns mac addr <<<"$spec"
  new_ns "$ns"
  plug "$ns" "$mac" "$addr"
done
say "lab: namespaces ${CREATED_NS[*]} (bridge br0 in $NS_SW)"
say "     lb1 $LB_IFACE $LB1_ADDR/$PREFIX_LEN ($LB1_MAC), lb2 $LB_IFACE $LB2_ADDR/$PREFIX_LEN ($LB2_MAC), client $LB_IFACE $CLIENT_ADDR/$PREFIX_LEN"

# The bound configurations (our own --dump-json, on each node, with its interfaces): intervals, priorities and VIPs
# for the narrative and the timings.
ip netns exec "$NS_LB1" "${KA[@]}" --dump-json -f demo/node1.conf >"$TMP/node1.json" 2>"$TMP/node1.err" & m1=$!
STARTED+=("$m1")
ip netns exec "$NS_LB2" "${KA[@]}" --dump-json -f demo/node2.conf >"$TMP/node2.json" 2>"$TMP/node2.err" & m2=$!
STARTED+=("$m2")
wait "$m1" || fail "demo/node1.conf does not load: $(cat "$TMP/node1.err")"
wait "$m2" || fail "demo/node2.conf does not load: $(cat "$TMP/node2.err")"
read -r VIPS ADV VERSION P1 P2 < <("$PY" -I -S -c '
import json, sys
m1, m2 = (json.load(open(p)) for p in sys.argv[1:3])
vips = sorted({a["address"] for i in m1["vrrp_instances"] for a in i["virtual_ip_addresses"]})
i1, i2 = m1["vrrp_instances"][0], m2["vrrp_instances"][0]
print(",".join(vips), i1["advert_interval"], i1["version"], i1["priority"], i2["priority"])' "$TMP/node1.json" "$TMP/node2.json")
IFS=, read -r -a VIP_LIST <<<"$VIPS"
NVIPS=${#VIP_LIST[@]}
printf '%s/\n' "${VIP_LIST[@]}" >"$TMP/vips.grep"
say "configs: demo/node1.conf (lb1, priority $P1) and demo/node2.conf (lb2, priority $P2): VRRPv$VERSION, advert_int ${ADV} s,"
say "         $NVIPS instances in one sync group, VIPs ${VIP_LIST[*]}"

# 2. The capture: on the client's interface, what a host on this LAN sees (adverts, IGMP, gratuitous ARP, ICMP).
ip netns exec "$NS_CLIENT" tcpdump -i "$LB_IFACE" -Z root -nn -s 128 -U --immediate-mode --time-stamp-precision=nano \
  -w "$TMP/lab.pcap" 'ip proto 112 or arp or igmp or icmp' 2>"$TMP/tcpdump.err" &
STARTED+=("$!")
wait_until 5 grep -q 'listening on' "$TMP/tcpdump.err" || fail "tcpdump did not start: $(cat "$TMP/tcpdump.err")"

# 3. The election.
echo
T_ELECT=$EPOCHREALTIME
start_node lb1 node1.conf
start_node lb2 node2.conf
say "election: started keepalive -n -l -D -f demo/node1.conf in lb1 (pid ${DAEMON[lb1]}) and -f demo/node2.conf in lb2 (pid ${DAEMON[lb2]})"
wait_until 30 master_is lb1 || fail "lb1 did not become MASTER with all $NVIPS VIPs within 30 s"
sleep 1
master_is lb1 || fail "lb1 did not stay MASTER"
say "election: lb1 is MASTER with all $NVIPS VIPs, lb2 is BACKUP with none:"
show_addresses
timings election "$T_ELECT"

# 4. The client reaches the VIPs (answered by lb1, whose MAC the client learnt by ARP).
echo
say "client: one ICMP echo to each VIP"
ip netns exec "$NS_CLIENT" "$PY" -I -S demo/demo.py ping "${VIP_LIST[@]}" || fail "the client got no reply from a VIP"
client_neighbour "${VIP_LIST[0]}"
# From now on the client sends an echo request to the first VIP every 20 ms: the capture shows where they go.
ip netns exec "$NS_CLIENT" "$PY" -I -S demo/demo.py probe "${VIP_LIST[0]}" 0.02 60 >"$TMP/probe.out" 2>&1 &
STARTED+=("$!")
wait_until 10 grep -q probing "$TMP/probe.out" || fail "the client's probe did not start: $(cat "$TMP/probe.out")"
sleep 0.3

# 5. The master dies: SIGKILL, no priority-0 advert; lb2 waits out the master-down interval.
echo
T_KILL=$EPOCHREALTIME
kill -KILL "${DAEMON[lb1]}"
say "failure: SIGKILL to lb1's keepalive (pid ${DAEMON[lb1]})"
wait "${DAEMON[lb1]}" 2>/dev/null || true
wait_until 10 holds lb2 "$NVIPS" || fail "lb2 did not take over within 10 s"
sleep 0.5
say "failure: lb2 is MASTER with all $NVIPS VIPs:"
show_addresses
timings kill "$T_KILL"
client_neighbour "${VIP_LIST[0]}"
say "(lb1's kernel still holds the VIPs its killed daemon had added: only the daemon died, not the host; the client"
say " follows lb2's gratuitous ARP. The restarted daemon removes them.)"

# 6. lb1 comes back: higher priority, preemption on (the default), so it takes the VIPs back.
echo
T_PRE=$EPOCHREALTIME
start_node lb1 node1.conf
say "recovery: restarted lb1's keepalive (pid ${DAEMON[lb1]})"
wait_until 30 master_is lb1 || fail "lb1 did not take the VIPs back within 30 s"
sleep 0.5
say "recovery: lb1 is MASTER again, lb2 released the VIPs:"
show_addresses
timings preempt "$T_PRE"

# 7. Graceful stop: SIGTERM, lb1 sends priority 0 and releases the VIPs; lb2 takes over after its skew time.
echo
T_TERM=$EPOCHREALTIME
kill -TERM "${DAEMON[lb1]}"
say "maintenance: SIGTERM to lb1's keepalive (pid ${DAEMON[lb1]})"
wait_until 10 holds lb2 "$NVIPS" || fail "lb2 did not take over within 10 s of the SIGTERM"
wait_until 20 exited "${DAEMON[lb1]}" || fail "lb1's keepalive did not exit within 20 s of the SIGTERM"
stopped_after=$(( ${EPOCHREALTIME/./} - ${T_TERM/./} ))
set +e; wait "${DAEMON[lb1]}"; rc=$?; set -e
sleep 0.3
say "maintenance: lb1's keepalive exited with code $rc (within $((stopped_after / 1000)) ms of the SIGTERM); lb2 is MASTER:"
show_addresses
timings term "$T_TERM"
[[ $rc -eq 0 ]] || fail "lb1's keepalive exited with code $rc on SIGTERM"

echo
say "summary (measured on the wire in this run):"
grep -E '^  (takeover|preemption|handover):' "$TMP/timings.txt" | sed 's/^  /    /'
say "done: stopping lb2 and removing the lab"
