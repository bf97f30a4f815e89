# run.sh of the daemon's VM run (IpvsVmDaemonRun copies it into the share; busybox sh inside the VM). Our daemon
# (KA_CMD, set by IpvsVmDaemonRun: the framework-dependent build at /mnt/app on .NET at /mnt/dotnet, or the native
# executable at /mnt/app) runs keepalived.conf against busybox nc backends on a
# dummy link; each table the test expects (expected-*.txt, lines without trailing blanks) is awaited, bounded, then
# dumped to dumps.txt. Backends: ports 8001 ("a", the one that goes down and comes back) and 8002 ("b"), listening
# on every address. Markers "ka-vm: STEP UPTIME" on the serial port time each step.
set -f
mark() { echo "ka-vm: $1 $(cut -d' ' -f1 /proc/uptime)"; }
table() { ipvsadm -Ln | sed 's/ *$//'; }
dump() {
  for args in "-Ln" "-Ln --persistent-conn" "-Ln --tun-info" "-L --timeout"; do
    echo "=== $1: ipvsadm $args"
    ipvsadm $args 2>&1 | sed 's/ *$//'
    echo "=== end"
  done >> dumps.txt
}
# Bounds are on the guest's clock: under TCG each ipvsadm, sed and cmp takes a good part of a second.
uptime_s() { cut -d. -f1 /proc/uptime; }
# await FILE SECONDS: until `ipvsadm -Ln` shows FILE's table; 1 when it did not within SECONDS.
await() {
  local end=$(($(uptime_s) + $2))
  while [ "$(uptime_s)" -lt "$end" ]; do
    table > /tmp/table.now
    cmp -s /tmp/table.now "$1" && return 0
    sleep 0.2
  done
  echo "ka-vm: $1 not reached within $2 s"
  return 1
}
# A backend is its own process group (setsid does not fork here: a background job is no group leader), so stopping it
# also ends a connection's child that still holds the listening socket.
backend() { (cd /tmp && exec setsid nc -ll -p "$1" -e /bin/true) & echo $! > "/tmp/backend-$1.pid"; }
stop_backend() { kill -TERM -"$(cat "/tmp/backend-$1.pid")"; wait "$(cat "/tmp/backend-$1.pid")" 2>/dev/null; }

ip link add ka0 type dummy && ip link set ka0 up || exit 3
echo 0 > /proc/sys/net/ipv6/conf/ka0/accept_dad
for a in 10.9.0.1/24 10.9.0.2/24 fd00:9::1/64 fd00:9::2/64; do ip addr add "$a" dev ka0 || exit 3; done
backend 8001
backend 8002
: > dumps.txt

mark daemon-start
$KA_CMD -n -l -D -p /tmp/keepalive.pid -f keepalived.conf > daemon.log 2>&1 &
daemon=$!
ok=1
await expected-up.txt "${KA_START_LIMIT:-180}" || ok=0
mark up
dump up
# The transitions need the daemon's table; each is dumped even when its table did not come (the test shows the diff).
if [ "$ok" = 1 ]; then
  stop_backend 8001
  mark backend-down
  await expected-down.txt 45
  mark down
  dump down
  backend 8001
  mark backend-up
  await expected-up.txt 45
  mark up-again
  dump up-again
fi

kill -TERM "$daemon"
mark sigterm
end=$(($(uptime_s) + 45))
while kill -0 "$daemon" 2>/dev/null && [ "$(uptime_s)" -lt "$end" ]; do sleep 0.2; done
if kill -0 "$daemon" 2>/dev/null; then
  echo "ka-vm: the daemon ignored SIGTERM for 45 s: killed"
  kill -KILL "$daemon"
fi
wait "$daemon"
echo "daemon exit $?" > daemon-exit.txt
mark exited
dump stopped

# The lines our --dry-run printed for the same configuration (the host runs it meanwhile and then writes
# dry-run.done), replayed by ipvsadm on a flushed table with the kernel's default timeouts (set again: the test
# checks them after the daemon's stop, not here).
end=$(($(uptime_s) + 30))
while [ ! -f dry-run.done ] && [ "$(uptime_s)" -lt "$end" ]; do sleep 0.2; done
ipvsadm -C
ipvsadm --set 900 120 300
while IFS= read -r line; do
  ipvsadm $line || echo "ka-vm: ipvsadm $line failed"
done < dry-run.txt
mark replayed
dump replayed

stop_backend 8001
stop_backend 8002
exit 0
