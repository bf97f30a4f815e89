namespace KeepAlive.Privileged.Tests.Lvs.Vm;

/// <summary>
/// The configuration our daemon runs in the IPVS test VM (<see cref="IpvsVmDaemonRun"/>) and the tables it implies,
/// as ipvsadm 1.31 prints them (numeric; trailing blanks dropped). Backends are busybox nc listeners in the VM on a
/// dummy link holding 10.9.0.1, 10.9.0.2, fd00:9::1 and fd00:9::2: "a" answers on port 8001, "b" on 8002, on every
/// address; each real server's checker asks the port of its backend (connect_port; the UDP service's MISC_CHECK
/// connects with busybox nc). Backend a goes down and comes back; b stays up.
/// </summary>
public static class IpvsVmDaemonScenario
{
    /// <summary>NAT, DR and TUN (gre, gue with checksum), TCP, UDP and fwmark, IPv4 and IPv6, persistence with and
    /// without granularity, inhibit_on_failure on a real server and on a virtual server, a sorry server, lvs_timeouts.
    /// connect_timeout is 5 s: under TCG a 1 s connect to a listener in the VM timed out while the daemon started
    /// (JIT); a stopped listener refuses at once, so failures are still seen within a delay_loop.</summary>
    public const string Config = """
        global_defs {
            router_id ka-vm
            lvs_timeouts tcp 7200 tcpfin 60 udp 90
        }
        virtual_server 10.9.1.1 80 {
            delay_loop 1
            lb_algo rr
            lb_kind NAT
            protocol TCP
            persistence_timeout 600
            persistence_granularity 255.255.255.0
            real_server 10.9.0.1 8080 {
                weight 3
                TCP_CHECK {
                    connect_port 8001
                    connect_timeout 5
                    retry 0
                }
            }
            real_server 10.9.0.2 8080 {
                TCP_CHECK {
                    connect_port 8002
                    connect_timeout 5
                    retry 0
                }
            }
        }
        virtual_server 10.9.1.2 443 {
            delay_loop 1
            lb_algo wlc
            lb_kind DR
            protocol TCP
            real_server 10.9.0.1 443 {
                weight 2
                inhibit_on_failure
                TCP_CHECK {
                    connect_port 8001
                    connect_timeout 5
                    retry 0
                }
            }
            real_server 10.9.0.2 443 {
                TCP_CHECK {
                    connect_port 8002
                    connect_timeout 5
                    retry 0
                }
            }
        }
        virtual_server fd00:9:1::3 80 {
            delay_loop 1
            lb_algo sh
            lb_kind TUN type gre
            protocol TCP
            persistence_timeout 120
            persistence_granularity 64
            real_server fd00:9::1 {
                TCP_CHECK {
                    connect_port 8001
                    connect_timeout 5
                    retry 0
                }
            }
            real_server fd00:9::2 {
                TCP_CHECK {
                    connect_port 8002
                    connect_timeout 5
                    retry 0
                }
            }
        }
        virtual_server 10.9.1.4 53 {
            delay_loop 1
            lb_algo rr
            lb_kind NAT
            protocol UDP
            real_server 10.9.0.1 5353 {
                MISC_CHECK {
                    misc_path "/bin/busybox nc 10.9.0.1 8001"
                    misc_timeout 5
                }
            }
            real_server 10.9.0.2 5353 {
                MISC_CHECK {
                    misc_path "/bin/busybox nc 10.9.0.2 8002"
                    misc_timeout 5
                }
            }
        }
        virtual_server fwmark 7 {
            delay_loop 1
            lb_algo wrr
            lb_kind TUN type gue port 6080 csum
            inhibit_on_failure
            real_server 10.9.0.1 {
                weight 5
                TCP_CHECK {
                    connect_port 8001
                    connect_timeout 5
                    retry 0
                }
            }
            real_server 10.9.0.2 {
                TCP_CHECK {
                    connect_port 8002
                    connect_timeout 5
                    retry 0
                }
            }
        }
        virtual_server fwmark 8 {
            ip_family inet6
            delay_loop 1
            lb_algo lc
            lb_kind DR
            persistence_timeout 60
            real_server fd00:9::1 {
                TCP_CHECK {
                    connect_port 8001
                    connect_timeout 5
                    retry 0
                }
            }
            real_server fd00:9::2 {
                TCP_CHECK {
                    connect_port 8002
                    connect_timeout 5
                    retry 0
                }
            }
        }
        virtual_server 10.9.1.7 25 {
            delay_loop 1
            lb_algo rr
            lb_kind NAT
            protocol TCP
            sorry_server 10.9.0.9 2525
            real_server 10.9.0.1 25 {
                TCP_CHECK {
                    connect_port 8001
                    connect_timeout 5
                    retry 0
                }
            }
        }
        """;

    /// <summary>Every backend up: every real server with its configured weight (1 by default); no sorry server. Services
    /// in ipvsadm's order (firewall mark, family, protocol, address, port), real servers by address and port; the real
    /// servers of DR and TUN services take the service's port (0 with a firewall mark).</summary>
    public const string Up = """
        IP Virtual Server version 1.2.1 (size=4096)
        Prot LocalAddress:Port Scheduler Flags
          -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
        TCP  10.9.1.1:80 rr persistent 600 mask 255.255.255.0
          -> 10.9.0.1:8080                Masq    3      0          0
          -> 10.9.0.2:8080                Masq    1      0          0
        TCP  10.9.1.2:443 wlc
          -> 10.9.0.1:443                 Route   2      0          0
          -> 10.9.0.2:443                 Route   1      0          0
        TCP  10.9.1.7:25 rr
          -> 10.9.0.1:25                  Masq    1      0          0
        UDP  10.9.1.4:53 rr
          -> 10.9.0.1:5353                Masq    1      0          0
          -> 10.9.0.2:5353                Masq    1      0          0
        TCP  [fd00:9:1::3]:80 sh persistent 120 mask 64
          -> [fd00:9::1]:80               Tunnel  1      0          0
          -> [fd00:9::2]:80               Tunnel  1      0          0
        FWM  7 wrr
          -> 10.9.0.1:0                   Tunnel  5      0          0
          -> 10.9.0.2:0                   Tunnel  1      0          0
        FWM  8 IPv6 lc persistent 60
          -> [fd00:9::1]:0                Route   1      0          0
          -> [fd00:9::2]:0                Route   1      0          0
        """;

    /// <summary>Backend a down: its real servers leave their services, except with inhibit_on_failure (the real server
    /// of 10.9.1.2:443, every real server of FWM 7), where they stay with weight 0; 10.9.1.7:25 has lost its only real
    /// server, so its sorry server (NAT, weight 1, as keepalived's alloc_ssvr) takes its place.</summary>
    public const string Down = """
        IP Virtual Server version 1.2.1 (size=4096)
        Prot LocalAddress:Port Scheduler Flags
          -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
        TCP  10.9.1.1:80 rr persistent 600 mask 255.255.255.0
          -> 10.9.0.2:8080                Masq    1      0          0
        TCP  10.9.1.2:443 wlc
          -> 10.9.0.1:443                 Route   0      0          0
          -> 10.9.0.2:443                 Route   1      0          0
        TCP  10.9.1.7:25 rr
          -> 10.9.0.9:2525                Masq    1      0          0
        UDP  10.9.1.4:53 rr
          -> 10.9.0.2:5353                Masq    1      0          0
        TCP  [fd00:9:1::3]:80 sh persistent 120 mask 64
          -> [fd00:9::2]:80               Tunnel  1      0          0
        FWM  7 wrr
          -> 10.9.0.1:0                   Tunnel  0      0          0
          -> 10.9.0.2:0                   Tunnel  1      0          0
        FWM  8 IPv6 lc persistent 60
          -> [fd00:9::2]:0                Route   1      0          0
        """;

    /// <summary><see cref="Up"/> with the tunnel columns: gre without checksum (keepalived's default), gue port 6080
    /// with checksum (<c>csum</c>).</summary>
    public const string UpTunInfo = """
        IP Virtual Server version 1.2.1 (size=4096)
        Prot LocalAddress:Port Scheduler Flags
          -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn
        TCP  10.9.1.1:80 rr persistent 600 mask 255.255.255.0
          -> 10.9.0.1:8080                Masq    n/a           3      0          0
          -> 10.9.0.2:8080                Masq    n/a           1      0          0
        TCP  10.9.1.2:443 wlc
          -> 10.9.0.1:443                 Route   n/a           2      0          0
          -> 10.9.0.2:443                 Route   n/a           1      0          0
        TCP  10.9.1.7:25 rr
          -> 10.9.0.1:25                  Masq    n/a           1      0          0
        UDP  10.9.1.4:53 rr
          -> 10.9.0.1:5353                Masq    n/a           1      0          0
          -> 10.9.0.2:5353                Masq    n/a           1      0          0
        TCP  [fd00:9:1::3]:80 sh persistent 120 mask 64
          -> [fd00:9::1]:80               Tunnel  gre:-c        1      0          0
          -> [fd00:9::2]:80               Tunnel  gre:-c        1      0          0
        FWM  7 wrr
          -> 10.9.0.1:0                   Tunnel  gue:6080:+c   5      0          0
          -> 10.9.0.2:0                   Tunnel  gue:6080:+c   1      0          0
        FWM  8 IPv6 lc persistent 60
          -> [fd00:9::1]:0                Route   n/a           1      0          0
          -> [fd00:9::2]:0                Route   n/a           1      0          0
        """;

    /// <summary><see cref="Down"/> with the tunnel columns: a quiesced tunnel keeps its type, port and checksum.</summary>
    public const string DownTunInfo = """
        IP Virtual Server version 1.2.1 (size=4096)
        Prot LocalAddress:Port Scheduler Flags
          -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn
        TCP  10.9.1.1:80 rr persistent 600 mask 255.255.255.0
          -> 10.9.0.2:8080                Masq    n/a           1      0          0
        TCP  10.9.1.2:443 wlc
          -> 10.9.0.1:443                 Route   n/a           0      0          0
          -> 10.9.0.2:443                 Route   n/a           1      0          0
        TCP  10.9.1.7:25 rr
          -> 10.9.0.9:2525                Masq    n/a           1      0          0
        UDP  10.9.1.4:53 rr
          -> 10.9.0.2:5353                Masq    n/a           1      0          0
        TCP  [fd00:9:1::3]:80 sh persistent 120 mask 64
          -> [fd00:9::2]:80               Tunnel  gre:-c        1      0          0
        FWM  7 wrr
          -> 10.9.0.1:0                   Tunnel  gue:6080:+c   0      0          0
          -> 10.9.0.2:0                   Tunnel  gue:6080:+c   1      0          0
        FWM  8 IPv6 lc persistent 60
          -> [fd00:9::2]:0                Route   n/a           1      0          0
        """;

    /// <summary><see cref="Up"/> with the persistent connection column (no traffic: every count 0).</summary>
    public const string UpPersistentConn = """
        IP Virtual Server version 1.2.1 (size=4096)
        Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn
          -> RemoteAddress:Port
        TCP  10.9.1.1:80 rr persistent 600 mask 255.255.255.0
          -> 10.9.0.1:8080                3         0           0          0
          -> 10.9.0.2:8080                1         0           0          0
        TCP  10.9.1.2:443 wlc
          -> 10.9.0.1:443                 2         0           0          0
          -> 10.9.0.2:443                 1         0           0          0
        TCP  10.9.1.7:25 rr
          -> 10.9.0.1:25                  1         0           0          0
        UDP  10.9.1.4:53 rr
          -> 10.9.0.1:5353                1         0           0          0
          -> 10.9.0.2:5353                1         0           0          0
        TCP  [fd00:9:1::3]:80 sh persistent 120 mask 64
          -> [fd00:9::1]:80               1         0           0          0
          -> [fd00:9::2]:80               1         0           0          0
        FWM  7 wrr
          -> 10.9.0.1:0                   5         0           0          0
          -> 10.9.0.2:0                   1         0           0          0
        FWM  8 IPv6 lc persistent 60
          -> [fd00:9::1]:0                1         0           0          0
          -> [fd00:9::2]:0                1         0           0          0
        """;

    /// <summary>lvs_timeouts tcp 7200 tcpfin 60 udp 90.</summary>
    public const string Timeouts = "Timeout (tcp tcpfin udp): 7200 60 90";

    /// <summary>The kernel's own timeouts (6.1's defaults, as the VM boots), which the daemon reads before it sets
    /// lvs_timeouts and puts back at stop (keepalived's ipvs_stop).</summary>
    public const string KernelTimeouts = "Timeout (tcp tcpfin udp): 900 120 300";

    /// <summary>The table once the daemon has released everything it created.</summary>
    public const string Empty = """
        IP Virtual Server version 1.2.1 (size=4096)
        Prot LocalAddress:Port Scheduler Flags
          -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
        """;

    /// <summary>A table's lines.</summary>
    public static string[] Lines(string table) => table.Split('\n');
}
