using System.Text;

namespace KeepAlive.Benchmarks;

/// <summary>Generates large, valid keepalived.conf texts: the 2,277 VS / 37,205 RS configuration that took
/// keepalived 2.2.7 132 s to reload (keepalived-reference.md §6.2), and many VRRP instances.</summary>
public static class ConfigGenerator
{
    /// <param name="edit">One change at the virtual server in the middle (the reload benchmark's
    /// <see cref="Lvs.ReloadBenchmark"/>): its first real server's weight, or one more real server.</param>
    public static string VirtualServers(int virtualServers = 2277, int realServers = 37205, int variant = 0, LvsEdit edit = LvsEdit.None)
    {
        var sb = new StringBuilder(realServers * 160);
        sb.Append("global_defs {\n    router_id lb-bench\n}\n");
        int rsLeft = realServers;
        for (int v = 0; v < virtualServers; v++)
        {
            int count = rsLeft / (virtualServers - v);
            rsLeft -= count;
            bool edited = v == virtualServers / 2;
            sb.Append("virtual_server 10.").Append(v / 250 % 250).Append('.').Append(v % 250).Append(".1 ").Append(80 + v % 3).Append(" {\n");
            sb.Append("    delay_loop ").Append(10 + variant).Append("\n    lb_algo wrr\n    lb_kind DR\n    protocol TCP\n    persistence_timeout 60\n");
            for (int r = 0; r < count + (edited && edit == LvsEdit.OneAdded ? 1 : 0); r++)
            {
                sb.Append("    real_server 172.").Append(16 + v / 250 % 16).Append('.').Append(v % 250).Append('.').Append(r + 1).Append(' ').Append(80 + v % 3).Append(" {\n");
                sb.Append("        weight ").Append(1 + r % 5 + (edited && edit == LvsEdit.OneWeight && r == 0 ? 10 : 0)).Append('\n');
                if (r % 2 == 0)
                    sb.Append("        TCP_CHECK {\n            connect_timeout 3\n            retry 2\n            delay_before_retry 2\n        }\n");
                else
                    sb.Append("        HTTP_GET {\n            url {\n                path /health\n                status_code 200\n            }\n            connect_timeout 3\n        }\n");
                sb.Append("    }\n");
            }
            sb.Append("}\n");
        }
        return sb.ToString();
    }

    public static string VrrpInstances(int instances = 1000, int variant = 0)
    {
        var sb = new StringBuilder(instances * 300);
        sb.Append("global_defs {\n    router_id lb-bench\n}\n");
        for (int i = 0; i < instances; i++)
        {
            int vrid = i % 255 + 1;
            sb.Append("vrrp_instance VI_").Append(i).Append(" {\n    interface eth").Append(i / 255).Append('\n');
            sb.Append("    virtual_router_id ").Append(vrid).Append("\n    priority ").Append(100 + variant + i % 50).Append('\n');
            sb.Append("    advert_int 1\n    authentication {\n        auth_type PASS\n        auth_pass secret\n    }\n");
            sb.Append("    virtual_ipaddress {\n        10.").Append(i / 250).Append('.').Append(i % 250).Append(".1/24 dev eth").Append(i / 255).Append("\n    }\n");
            sb.Append("    track_interface {\n        eth").Append(i / 255).Append("\n    }\n}\n");
        }
        return sb.ToString();
    }
}

/// <summary>The one change <see cref="ConfigGenerator.VirtualServers"/> makes for a reload.</summary>
public enum LvsEdit
{
    None,
    OneWeight,
    OneAdded,
}
