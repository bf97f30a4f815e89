#!/usr/bin/env python3
"""Helpers of ../demo.sh (python3 standard library only).

  demo.py ping ADDR...                 one ICMP echo to each address (no ping binary needed); exit 0 if all answered
  demo.py probe ADDR INTERVAL SECONDS  one echo request every INTERVAL s for at most SECONDS (replies seen in the capture)
  demo.py timings PHASE T0             reads the capture and prints what happened after T0 (epoch seconds)

timings reads DEMO_PCAP (tcpdump -w, nanosecond timestamps, on the client's eth0), DEMO_LAB (lab.env) and
DEMO_MODEL1 / DEMO_MODEL2 (`keepalive --dump-json` of node1.conf / node2.conf): who is who comes from the lab's
addresses and MACs, the protocol's intervals from the bound configuration. Every time printed is measured on the
wire; the master-down interval and skew time printed beside them are computed from the configuration.
"""
import json
import os
import select
import socket
import struct
import sys
import time


# --- ICMP echo -------------------------------------------------------------------------------------------------

def _checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def _echo(sock, addr, ident, seq):
    payload = struct.pack("!d", time.time()) + b"keepalive-demo"
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    header = struct.pack("!BBHHH", 8, 0, _checksum(header + payload), ident, seq)
    sock.sendto(header + payload, (addr, 0))


def _replies(sock, ident, wait):
    """(seq, receive time) of echo replies to us arriving within `wait` seconds."""
    out = []
    end = time.monotonic() + wait
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            return out
        packet, _ = sock.recvfrom(2048)
        icmp = packet[(packet[0] & 0x0F) * 4:]
        if len(icmp) >= 8 and icmp[0] == 0:
            _, _, _, rid, seq = struct.unpack("!BBHHH", icmp[:8])
            if rid == ident:
                out.append((seq, time.monotonic()))


def ping(addrs):
    ident = os.getpid() & 0xFFFF
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as sock:
        answered = 0
        for seq, addr in enumerate(addrs, start=1):
            sent = time.monotonic()
            _echo(sock, addr, ident, seq)
            got = [t for s, t in _replies(sock, ident, 1.0) if s == seq]
            if got:
                answered += 1
                print(f"    echo reply from {addr} in {(got[0] - sent) * 1000:.2f} ms")
            else:
                print(f"    no reply from {addr} within 1 s")
    return 0 if answered == len(addrs) else 1


def probe(addr, interval, seconds):
    ident = os.getpid() & 0xFFFF
    end = time.monotonic() + seconds
    seq = 0
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as sock:
        while time.monotonic() < end:
            seq = (seq + 1) & 0xFFFF
            _echo(sock, addr, ident, seq)
            if seq == 1:
                print(f"probing {addr} every {interval} s", flush=True)
            _replies(sock, ident, interval)      # drains replies and paces the requests
    return 0


# --- the capture -----------------------------------------------------------------------------------------------

def read_pcap(path):
    """(epoch seconds, frame) of every complete record; a record still being written is left out."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    magic = data[:4]
    formats = {b"\x4d\x3c\xb2\xa1": ("<", 1e9), b"\xa1\xb2\x3c\x4d": (">", 1e9),
               b"\xd4\xc3\xb2\xa1": ("<", 1e6), b"\xa1\xb2\xc3\xd4": (">", 1e6)}
    if magic not in formats:
        raise SystemExit(f"{path}: not a pcap file")
    endian, scale = formats[magic]
    if struct.unpack(endian + "I", data[20:24])[0] != 1:
        raise SystemExit(f"{path}: not an Ethernet capture")
    out, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        if off + 16 + incl > len(data):
            break
        out.append((sec + frac / scale, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return out


def _mac(b):
    return ":".join(f"{x:02x}" for x in b)


def decode(t, frame):
    """The events the demo measures: VRRP adverts, IGMP reports, gratuitous ARPs, ICMP echo."""
    if len(frame) < 14:
        return None
    dst, src, ethertype = _mac(frame[0:6]), _mac(frame[6:12]), struct.unpack("!H", frame[12:14])[0]
    body = frame[14:]
    if ethertype == 0x0806 and len(body) >= 28:
        op = struct.unpack("!H", body[6:8])[0]
        spa, tpa = socket.inet_ntoa(body[14:18]), socket.inet_ntoa(body[24:28])
        if op in (1, 2) and spa == tpa:
            return {"t": t, "kind": "garp", "mac": _mac(body[8:14]), "ip": spa}
        return None
    if ethertype != 0x0800 or len(body) < 20:
        return None
    ihl = (body[0] & 0x0F) * 4
    proto, ip_src, ip_dst = body[9], socket.inet_ntoa(body[12:16]), socket.inet_ntoa(body[16:20])
    p = body[ihl:]
    if proto == 112 and len(p) >= 8:
        return {"t": t, "kind": "advert", "src": ip_src, "version": p[0] >> 4, "vrid": p[1], "prio": p[2]}
    if proto == 2:
        return {"t": t, "kind": "igmp", "src": ip_src}
    if proto == 1 and len(p) >= 8 and p[0] in (0, 8):
        seq = struct.unpack("!H", p[6:8])[0]
        if p[0] == 8:
            return {"t": t, "kind": "echo_request", "to_mac": dst, "dst": ip_dst, "seq": seq}
        return {"t": t, "kind": "echo_reply", "from_mac": src, "src": ip_src, "seq": seq}
    return None


# --- the lab and the protocol ----------------------------------------------------------------------------------

def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                env[k.strip()] = v.strip()
    return env


class Node:
    def __init__(self, name, addr, mac, model_path):
        with open(model_path) as f:
            model = json.load(f)
        inst = model["vrrp_instances"]
        self.name, self.addr, self.mac = name, addr, mac.lower()
        self.prio = inst[0]["priority"]
        self.adv = inst[0]["advert_interval"]
        self.version = inst[0]["version"]
        self.down_adverts = inst[0].get("down_timer_adverts", 3)
        self.vrids = sorted(i["vrid"] for i in inst)
        self.vips = sorted({a["address"] for i in inst for a in i["virtual_ip_addresses"]})

    def skew(self, master_adv):
        # RFC 5798 (v3): ((256 - priority) * Master_Adver_Interval) / 256; RFC 3768 (v2): (256 - priority) / 256 s
        return (256 - self.prio) * (master_adv if self.version == 3 else 1.0) / 256

    def master_down(self, master_adv):
        return self.down_adverts * master_adv + self.skew(master_adv)


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


class Timeline:
    def __init__(self, t0):
        env = read_env(os.environ["DEMO_LAB"])
        self.n1 = Node("lb1", env["LB1_ADDR"], env["LB1_MAC"], os.environ["DEMO_MODEL1"])
        self.n2 = Node("lb2", env["LB2_ADDR"], env["LB2_MAC"], os.environ["DEMO_MODEL2"])
        self.t0 = t0
        events = (decode(t, f) for t, f in read_pcap(os.environ["DEMO_PCAP"]))
        self.all = [e for e in events if e is not None]
        self.after = [e for e in self.all if e["t"] >= t0]

    def node_by_mac(self, mac):
        return {self.n1.mac: "lb1", self.n2.mac: "lb2"}.get(mac, mac)

    def rel(self, t):
        return t - self.t0

    def adverts(self, node, events, priority0=False):
        return [e for e in events if e["kind"] == "advert" and e["src"] == node.addr and (e["prio"] == 0) == priority0]

    def first(self, events):
        return events[0] if events else None

    def all_vips_announced(self, node, since):
        """Time by which `node` had sent a gratuitous ARP for every VIP after `since` (None if not all)."""
        firsts = {}
        for e in self.all:
            if e["kind"] == "garp" and e["t"] >= since and e["mac"] == node.mac and e["ip"] in node.vips:
                firsts.setdefault(e["ip"], e["t"])
        return max(firsts.values()) if len(firsts) == len(node.vips) else None

    def client_view(self, until=None):
        """What the client's echo probe saw after t0: which node its requests went to, and the unanswered ones."""
        reqs = [e for e in self.after if e["kind"] == "echo_request" and (until is None or e["t"] <= until)]
        if not reqs:
            return
        replies = {e["seq"]: e for e in self.after if e["kind"] == "echo_reply"}
        switches, last = [], None
        for e in reqs:
            who = self.node_by_mac(e["to_mac"])
            if who != last:
                switches.append((e["t"], who))
                last = who
        path = ", then ".join(f"{who} from +{ms(self.rel(t))}" if i else f"{who}"
                              for i, (t, who) in enumerate(switches))
        lost = [e for e in reqs[:-1] if e["seq"] not in replies]   # the newest may still be in flight
        gap = ""
        if len(lost) == 1:
            gap = f" (at +{ms(self.rel(lost[0]['t']))})"
        elif lost:
            gap = f" (from +{ms(self.rel(lost[0]['t']))} to +{ms(self.rel(lost[-1]['t']))})"
        print(f"  client: {len(reqs)} echo requests to {reqs[0]['dst']} went to {path}; {len(lost)} unanswered{gap}")


def timings(phase, t0):
    tl = Timeline(t0)
    n1, n2 = tl.n1, tl.n2
    nvips = len(n1.vips)
    if phase == "election":
        final = None
        for node in (n1, n2):
            join = tl.first([e for e in tl.after if e["kind"] == "igmp" and e["src"] == node.addr])
            adv = tl.adverts(node, tl.after)
            line = f"  {node.name} (priority {node.prio}): "
            line += (f"joined the VRRP group 224.0.0.18 (IGMP) at +{ms(tl.rel(join['t']))}" if join
                     else "no IGMP join seen")
            if not adv:
                line += "; sent no advert (BACKUP)"
            elif adv[-1]["t"] >= tl.after[-1]["t"] - 3 * node.adv:
                line += f"; MASTER from +{ms(tl.rel(adv[0]['t']))} (first advert), advertising since"
                final = node
            else:
                line += (f"; sent {len(adv)} adverts from +{ms(tl.rel(adv[0]['t']))} to +{ms(tl.rel(adv[-1]['t']))}, "
                         f"then none (it heard a higher priority and went back to BACKUP)")
            print(line)
        if final is not None:
            vips = tl.all_vips_announced(final, t0)
            if vips is not None:
                print(f"  {final.name} announced all {nvips} VIPs with gratuitous ARP by +{ms(tl.rel(vips))}")
    elif phase == "kill":
        last1 = [e for e in tl.adverts(n1, tl.all) if e["t"] < t0]
        first2 = tl.first(tl.adverts(n2, tl.after))
        if not last1 or first2 is None:
            raise SystemExit("  the capture holds no takeover (no advert of lb1 before the kill, or none of lb2 after it)")
        last1 = max(e["t"] for e in last1)
        mdi = n2.master_down(n1.adv)
        print(f"  lb1's last advert: {ms(t0 - last1)} before the kill")
        print(f"  lb2's first advert: +{ms(tl.rel(first2['t']))} after the kill")
        print(f"  takeover: lb2 sent its first advert {ms(first2['t'] - last1)} after lb1's last one "
              f"(master-down interval: {n2.down_adverts} x {ms(n1.adv)} + skew {ms(n2.skew(n1.adv))} = {ms(mdi)})")
        vips = tl.all_vips_announced(n2, t0)
        if vips is not None:
            print(f"  lb2 announced all {nvips} VIPs with gratuitous ARP at +{ms(tl.rel(vips))} "
                  f"({ms(vips - first2['t'])} after its first advert)")
        tl.client_view()
    elif phase == "preempt":
        join = tl.first([e for e in tl.after if e["kind"] == "igmp" and e["src"] == n1.addr])
        first1 = tl.first(tl.adverts(n1, tl.after))
        if first1 is None:
            raise SystemExit("  the capture holds no advert of the restarted lb1")
        after1 = [e for e in tl.adverts(n2, tl.after) if e["t"] > first1["t"]]
        if join:
            print(f"  lb1 joined the VRRP group at +{ms(tl.rel(join['t']))} (start-up of the runtime and the node)")
        print(f"  preemption: lb1 (priority {n1.prio}) sent its first advert at +{ms(tl.rel(first1['t']))}; lb2 "
              f"(priority {n2.prio}) " + ("sent no advert after it: BACKUP at once" if not after1 else
                                          f"sent {len(after1)} more advert(s) before it became BACKUP"))
        vips = tl.all_vips_announced(n1, first1["t"])
        if vips is not None:
            print(f"  lb1 announced all {nvips} VIPs with gratuitous ARP at +{ms(tl.rel(vips))} "
                  f"({ms(vips - first1['t'])} after its first advert)")
        tl.client_view()
    elif phase == "term":
        zero = tl.adverts(n1, tl.after, priority0=True)
        first2 = tl.first(tl.adverts(n2, tl.after))
        if not zero or first2 is None:
            raise SystemExit("  the capture holds no handover (no priority-0 advert of lb1, or no advert of lb2)")
        vrids = sorted({e["vrid"] for e in zero})
        print(f"  lb1's priority-0 adverts (VRIDs {', '.join(map(str, vrids))}): +{ms(tl.rel(zero[0]['t']))} "
              f"after the SIGTERM")
        print(f"  handover: lb2 sent its first advert {ms(first2['t'] - zero[0]['t'])} after lb1's priority-0 advert "
              f"(skew time: {ms(n2.skew(n1.adv))}; without priority 0 it would wait out {ms(n2.master_down(n1.adv))})")
        vips = tl.all_vips_announced(n2, t0)
        if vips is not None:
            print(f"  lb2 announced all {nvips} VIPs with gratuitous ARP at +{ms(tl.rel(vips))} after the SIGTERM")
        tl.client_view()
    else:
        raise SystemExit(f"unknown phase {phase}")
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "ping":
        return ping(argv[1:])
    if len(argv) == 4 and argv[0] == "probe":
        return probe(argv[1], float(argv[2]), float(argv[3]))
    if len(argv) == 3 and argv[0] == "timings":
        return timings(argv[1], float(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
