namespace KeepAlive.Controller.Tests;

public class ConfigTestCommandTests
{
    private const string Clean = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 100
            virtual_ipaddress {
                10.0.0.1/24
            }
        }
        """;

    [Fact]
    public void CleanConfig_ExitsZero_AndSaysOk()
    {
        var env = new FakeEnvironment();
        env.Files.Add("/etc/keepalived/keepalived.conf", Clean);
        var (code, _, err) = env.Run("-t");
        Assert.Equal(0, code);
        Assert.Contains(": ok", err);
    }

    [Fact]
    public void Diagnostics_ArePrintedLikeACompiler_WithPathsRelativeToTheCurrentDirectory()
    {
        var env = new FakeEnvironment { CurrentDirectory = "/work" };
        env.Files.Add("/work/k.conf", Clean.Replace("priority 100", "priority 0"));
        var (code, _, err) = env.Run("-t", "-f", "k.conf");
        Assert.Equal(5, code);
        Assert.Contains("k.conf:4:14: warning KA2006: 'priority': priority 0 is reserved", err);
    }

    [Fact]
    public void MissingFile_ExitsFour()
    {
        var (code, _, err) = new FakeEnvironment().Run("--config-test", "--use-file=/nope.conf");
        Assert.Equal(4, code);
        Assert.Contains("KA1001", err);
    }

    [Fact]
    public void ConfigTestLogFile_ReceivesTheOutput()
    {
        var env = new FakeEnvironment();
        env.Files.Add("/etc/keepalived/keepalived.conf", Clean + "\nbogus_keyword 1\n");
        var (code, _, err) = env.Run("-t/tmp/ka.log");
        Assert.Equal(5, code);
        Assert.Contains("KA1101", env.Logs["/tmp/ka.log"].ToString());
        Assert.DoesNotContain("KA1101", err);
    }

    [Fact]
    public void ConfigId_SelectsConditionalLines()
    {
        var env = new FakeEnvironment();
        env.Files.Add("/etc/keepalived/keepalived.conf", "@a global_defs {\n@a router_id x\n@a }\n@b bogus 1\n");
        Assert.Equal(0, env.Run("-t", "-i", "a").Code);
        Assert.Equal(5, env.Run("-t", "-i", "b").Code);
    }

    [Fact]
    public void Strict_TurnsWarningsIntoErrors()
    {
        var env = new FakeEnvironment();
        env.Files.Add("/etc/keepalived/keepalived.conf", Clean.Replace("priority 100", "priority 0"));
        var (_, _, err) = env.Run("-t", "--strict");
        Assert.Contains("error KA2006", err);
    }

    [Fact]
    public void DumpJson_PrintsTheModel()
    {
        var env = new FakeEnvironment();
        env.Files.Add("/etc/keepalived/keepalived.conf", Clean);
        var (code, stdout, _) = env.Run("--dump-json");
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        var vi = doc.RootElement.GetProperty("vrrp_instances")[0];
        Assert.Equal("VI_1", vi.GetProperty("name").GetString());
        Assert.Equal(51, vi.GetProperty("vrid").GetInt32());
        Assert.Equal("10.0.0.1", vi.GetProperty("virtual_ip_addresses")[0].GetProperty("address").GetString());
    }

    [Fact]
    public void DumpJson_OfTheBundledSamples_Succeeds()
    {
        // Regression: the dump crashed on every configuration with a health checker.
        var env = new FakeEnvironment();
        foreach (var sample in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Samples"), "*.conf"))
        {
            env.Files.Add("/etc/keepalived/keepalived.conf", File.ReadAllText(sample));
            var (code, stdout, err) = env.Run("-t", "--dump-json");
            Assert.True(code is 0 or 5, $"{sample}: exit {code}\n{err}");
            using var doc = System.Text.Json.JsonDocument.Parse(stdout);
            Assert.Equal(System.Text.Json.JsonValueKind.Array, doc.RootElement.GetProperty("virtual_servers").ValueKind);
        }
    }

    [Theory]
    [InlineData("STOP", "15")]
    [InlineData("RELOAD", "1")]
    [InlineData("DATA", "10")]
    [InlineData("STATS", "12")]
    [InlineData("STATS_CLEAR", "63")]
    [InlineData("JSON", "36")]
    public void Signum_PrintsKeepalivedsNumbers(string name, string number)
    {
        var (code, stdout, _) = new FakeEnvironment().Run("--signum=" + name);
        Assert.Equal(0, code);
        Assert.Equal(number, stdout.Trim());
    }

    [Fact]
    public void Signum_Unknown_IsAnError()
    {
        var (code, _, err) = new FakeEnvironment().Run("--signum", "TDATA");
        Assert.NotEqual(0, code);
        Assert.Contains("Unknown sigfunc TDATA", err);
    }

    [Fact]
    public void LaterIssuesOptions_AreRefusedByName()
    {
        var (code, _, err) = new FakeEnvironment().Run("-x");
        Assert.Equal(1, code);
        Assert.Contains("-x, --snmp: SNMP is recognised, not supported yet", err);
    }

    [Theory]
    [InlineData("-S", "bogus", "invalid log facility 'bogus'")]
    [InlineData("-u", "0999", "invalid umask '0999'")]
    [InlineData("-M", null, "core_pattern")]
    public void DaemonOptionErrors_AreReported_BeforeAnythingStarts(string option, string? value, string fragment)
    {
        var (code, _, err) = new FakeEnvironment().Run(value is null ? [option] : [option, value, "-n"]);
        Assert.Equal(1, code);
        Assert.Contains(fragment, err);
    }

    [Fact]
    public void TheDaemon_RefusesAConfigurationWithErrors_WithEveryDiagnostic()
    {
        var env = new FakeEnvironment();
        env.Files.Add("/etc/keepalived/keepalived.conf", Clean.Replace("virtual_router_id 51", "virtual_router_id 300"));
        var (code, _, err) = env.Run("-n", "-G");
        Assert.Equal(1, code);
        Assert.Contains("/etc/keepalived/keepalived.conf:3:", err);
        Assert.Contains("error(s): not starting", err);
    }

    [Fact]
    public void UnknownOption_PrintsUsage_AndFails()
    {
        var (code, _, err) = new FakeEnvironment().Run("--bogus");
        Assert.Equal(1, code);
        Assert.Contains("Usage: keepalive", err);
    }

    [Fact]
    public void Help_AndVersion()
    {
        Assert.Contains("--config-test", new FakeEnvironment().Run("-h").Out);
        Assert.Contains("KeepAlive", new FakeEnvironment().Run("-v").Out);
    }
}
