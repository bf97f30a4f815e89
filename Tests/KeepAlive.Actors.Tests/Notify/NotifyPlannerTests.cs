using KeepAlive.Actors.Notify;
using KeepAlive.Config;
using KeepAlive.Config.Model;
using KeepAlive.Config.Sources;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Actors.Tests.Notify;

/// <summary>The configuration → notify plan mapping: keepalived's defaults and inheritance rules, from real config text.</summary>
public class NotifyPlannerTests
{
    private const string ConfPath = "/etc/keepalived/keepalived.conf";
    private static readonly NotifyHost Host = new("lb1.example.com", "root");

    private static NotifyPlan Plan(string text, NotifyHost? host = null) => Plan(text, out _, host);

    private static NotifyPlan Plan(string text, out IReadOnlyList<string> problems, NotifyHost? host = null)
    {
        var loaded = ConfigLoader.Load(ConfPath, new InMemoryConfigSource().Add(ConfPath, text), new ConfigLoadOptions(new ReaderOptions()));
        return NotifyPlanner.From(loaded.Config, host ?? Host, out problems);
    }

    private static string Instance(string name, int vrid, string body = "") => $$"""
        vrrp_instance {{name}} {
            interface eth0
            virtual_router_id {{vrid}}
            priority 100
            virtual_ipaddress {
                10.0.0.{{vrid}}
            }
            {{body}}
        }
        """;

    [Fact]
    public void Scripts_are_split_into_argv_and_keep_their_user_and_group()
    {
        var plan = Plan(Instance("VI_1", 1, """
            notify_master "/usr/bin/master 'a b' c" nobody nogroup
            notify_backup /usr/bin/backup
            notify_fault "/usr/bin/fault x\ty"
            notify_stop /usr/bin/stop
            notify "/usr/bin/notify gen"
            notify_master_rx_lower_pri /usr/bin/lower
            """));
        var s = plan.Instance("VI_1");
        Assert.Equal(["/usr/bin/master", "a b", "c"], s.Scripts.Master!.Argv);
        Assert.Equal(("nobody", "nogroup"), (s.Scripts.Master.User, s.Scripts.Master.Group));
        Assert.Equal(["/usr/bin/backup"], s.Scripts.Backup!.Argv);
        Assert.Null(s.Scripts.Backup.User);
        // keepalived decodes "\t" when it splits the line (a tab in the command string), and that tab separates words
        // when it splits the command: two arguments.
        Assert.Equal(["/usr/bin/fault", "x", "y"], s.Scripts.Fault!.Argv);
        Assert.Equal(["/usr/bin/stop"], s.Scripts.Stop!.Argv);
        Assert.Equal(["/usr/bin/notify", "gen"], s.Scripts.Generic!.Argv);
        Assert.Equal(["/usr/bin/lower"], s.MasterRxLowerPri!.Argv);
        Assert.Equal(6, plan.AllScripts().Count());
    }

    [Fact]
    public void A_configured_script_that_does_not_split_is_dropped_by_the_config()
    {
        var text = Instance("VI_1", 1, """notify_master "/usr/bin/x 'unterminated" """);
        var loaded = ConfigLoader.Load(ConfPath, new InMemoryConfigSource().Add(ConfPath, text), new ConfigLoadOptions(new ReaderOptions()));
        Assert.Contains(loaded.Diagnostics, d => d.Code == "KA2023");
        Assert.Null(NotifyPlanner.From(loaded.Config, Host, out _).Instance("VI_1").Scripts.Master);
    }

    [Fact]
    public void A_script_that_does_not_split_is_dropped_with_a_problem()
    {
        var problems = new List<string>();
        var script = new NotifyScript("/usr/bin/x 'unterminated", null, null, default);
        Assert.Null(NotifyPlanner.Script("VI_1", "notify_master", script, problems));
        Assert.Contains(problems, p => p.Contains("(VI_1) notify_master", StringComparison.Ordinal) && p.Contains("ignoring", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "", "", false)]
    [InlineData("smtp_alert", "", "", true)]
    [InlineData("", "smtp_alert", "", true)]
    [InlineData("", "smtp_alert", "smtp_alert_vrrp false", false)]
    [InlineData("", "smtp_alert false", "smtp_alert_vrrp", true)]
    [InlineData("smtp_alert false", "smtp_alert", "smtp_alert_vrrp true", false)]
    [InlineData("smtp_alert true", "smtp_alert false", "smtp_alert_vrrp false", true)]
    public void Smtp_alert_is_the_instances_else_smtp_alert_vrrp_else_smtp_alert(string own, string global, string globalVrrp, bool expected)
    {
        var plan = Plan($$"""
            global_defs {
                {{global}}
                {{globalVrrp}}
            }
            {{Instance("VI_1", 1, own)}}
            {{Instance("VI_2", 2)}}
            vrrp_sync_group G1 {
                group {
                    VI_2
                }
                {{own}}
            }
            """);
        Assert.Equal(expected, plan.Instance("VI_1").SmtpAlert);
        Assert.Equal(expected, plan.Group("G1").SmtpAlert);
    }

    [Theory]
    [InlineData("", "", "", false)]
    [InlineData("", "", "vrrp_notify_priority_changes", true)]
    [InlineData("", "notify_priority_changes", "", true)]
    [InlineData("", "notify_priority_changes false", "vrrp_notify_priority_changes", false)]
    [InlineData("notify_priority_changes false", "notify_priority_changes", "vrrp_notify_priority_changes", false)]
    [InlineData("notify_priority_changes", "notify_priority_changes false", "", true)]
    public void Priority_change_notifies_are_the_instances_else_its_groups_else_global(string own, string group, string global, bool expected)
    {
        var plan = Plan($$"""
            global_defs {
                {{global}}
            }
            {{Instance("VI_1", 1, own)}}
            {{Instance("VI_2", 2)}}
            vrrp_sync_group G1 {
                group {
                    VI_1
                    VI_2
                }
                {{group}}
            }
            """);
        Assert.Equal(expected, plan.Instance("VI_1").NotifyPriorityChanges);
    }

    [Fact]
    public void An_instance_belongs_to_the_first_group_listing_it_and_a_group_without_members_is_gone()
    {
        var plan = Plan($$"""
            {{Instance("VI_1", 1)}}
            {{Instance("VI_2", 2)}}
            vrrp_sync_group G1 {
                group {
                    VI_1
                    VI_9
                }
                notify_master /usr/bin/gm
                notify "/usr/bin/ggen x"
            }
            vrrp_sync_group G2 {
                group {
                    VI_1
                    VI_2
                }
            }
            vrrp_sync_group G3 {
                group {
                    VI_9
                }
            }
            """);
        Assert.Equal("G1", plan.Instance("VI_1").SyncGroup);
        Assert.Equal("G2", plan.Instance("VI_2").SyncGroup);
        Assert.Equal(["G1", "G2"], plan.Groups.Select(g => g.Name));
        Assert.Equal(["/usr/bin/gm"], plan.Group("G1").Scripts.Master!.Argv);
        Assert.Equal(["/usr/bin/ggen", "x"], plan.Group("G1").Scripts.Generic!.Argv);
        Assert.Same(StateScripts.None, plan.Group("G3").Scripts); // unknown now: FIFO only
    }

    [Fact]
    public void Mail_takes_the_configured_server_sender_and_recipients()
    {
        var plan = Plan("""
            global_defs {
                router_id lb-east
                notification_email {
                    ops@example.com
                    noc@example.com
                }
                notification_email_from ka@example.com
                smtp_server 192.0.2.25 2525
                smtp_helo_name helo.example.com
                smtp_connect_timeout 7
                no_email_faults
            }
            """);
        Assert.Equal("lb-east", plan.RouterId);
        var mail = plan.Mail!;
        Assert.Equal(new Kernel.Ports.MailServer("192.0.2.25", 2525, "helo.example.com", TimeSpan.FromSeconds(7)), mail.Server);
        Assert.Equal("ka@example.com", mail.From);
        Assert.Equal(["ops@example.com", "noc@example.com"], mail.To);
        Assert.True(mail.NoEmailFaults);
    }

    [Fact]
    public void Mail_defaults_come_from_the_host_as_keepalived_init_global_data_makes_them()
    {
        var plan = Plan("""
            global_defs {
                notification_email {
                    ops@example.com
                }
                smtp_server 192.0.2.25
            }
            """);
        Assert.Equal("lb1.example.com", plan.RouterId);
        Assert.Equal(new Kernel.Ports.MailServer("192.0.2.25", 25, "lb1.example.com", TimeSpan.FromSeconds(30)), plan.Mail!.Server);
        Assert.Equal("root@lb1.example.com", plan.Mail.From);
        Assert.False(plan.Mail.NoEmailFaults);
    }

    [Fact]
    public void Without_a_host_name_helo_says_localhost_and_without_a_sender_no_mail_is_sent()
    {
        const string conf = """
            global_defs {
                notification_email {
                    ops@example.com
                }
                smtp_server 192.0.2.25
                {0}
            }
            """;
        var unknown = new NotifyHost(null, "root");
        var plan = Plan(conf.Replace("{0}", "", StringComparison.Ordinal), out var problems, unknown);
        Assert.Equal(NotifyPlanner.UnknownName, plan.RouterId);
        Assert.Null(plan.Mail);
        Assert.Contains(problems, p => p.Contains("notification_email_from", StringComparison.Ordinal));
        plan = Plan(conf.Replace("{0}", "notification_email_from a@b", StringComparison.Ordinal), unknown);
        Assert.Equal("localhost", plan.Mail!.Server.HeloName);
    }

    [Theory]
    [InlineData("smtp_server 192.0.2.25")]
    [InlineData("notification_email {\n ops@example.com\n}")]
    public void No_mail_without_both_recipients_and_a_server(string only) =>
        Assert.Null(Plan($"global_defs {{\n{only}\nnotification_email_from a@b\n}}").Mail);

    [Theory]
    [InlineData("notify_fifo /run/a.fifo\nvrrp_notify_fifo /run/b.fifo", new[] { "/run/a.fifo", "/run/b.fifo" })]
    [InlineData("vrrp_notify_fifo /run/b.fifo", new[] { "/run/b.fifo" })]
    [InlineData("notify_fifo /run/a.fifo\nvrrp_notify_fifo /run/a.fifo", new[] { "/run/a.fifo" })]
    [InlineData("", new string[0])]
    public void Fifos_are_the_global_then_the_vrrp_one_once(string lines, string[] expected) =>
        Assert.Equal(expected, Plan($"global_defs {{\n{lines}\n}}").FifoPaths);

    [Fact]
    public void Script_user_defaults_follow_the_globals()
    {
        var plan = Plan("""
            global_defs {
                script_user ka ops
                enable_script_security
            }
            """);
        Assert.Equal(new ScriptUserDefaults("ka", "ops", true), plan.ScriptUsers);
        Assert.Equal(new ScriptUserDefaults(null, null, false), Plan("").ScriptUsers);
    }
}
