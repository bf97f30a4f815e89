using System.Text;
using KeepAlive.Config.Sources;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Tests.Hostile;

/// <summary>Hostile input never escapes as an exception: the pipeline answers with diagnostics only.</summary>
public class HostileInputTests
{
    private static ConfigLoadResult LoadText(string text, KeepAlive.Config.Host.IHostFacts? host = null) => TestConfig.Load(text, host ?? TestConfig.SeedHost);

    private static ConfigLoadResult LoadBytes(byte[] bytes, KeepAlive.Config.Host.IHostFacts? host = null) => LoadText(TextDecoding.Decode(bytes), host);

    /// <summary>A host on which every interface, file and user exists (writable by others, to reach the insecure paths).</summary>
    private sealed class EverythingHost : KeepAlive.Config.Host.IHostFacts
    {
        public string ShortHostName => "node";

        public bool RunningAsRoot => true;

        public KeepAlive.Config.Host.InterfaceFacts? FindInterface(string name) => new(name, name == "lo", true, 1500);

        public KeepAlive.Config.Host.FileFacts FindExecutable(string command) => new(command, true, true, true);

        public bool UserExists(string name) => true;

        public bool GroupExists(string name) => true;
    }

    [Fact]
    public void EmptyFile_IsAValidEmptyConfiguration()
    {
        var r = LoadText(string.Empty);
        Assert.Empty(r.Diagnostics);
        Assert.Equal(0, r.KeepalivedTestExitCode);
    }

    [Fact]
    public void RandomBytes_GiveDiagnosticsOnly()
    {
        var rng = new Random(1234);
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[rng.Next(1, 4096)];
            rng.NextBytes(bytes);
            _ = LoadBytes(bytes);
        }
    }

    [Fact]
    public void BinaryFile_GivesDiagnosticsOnly()
    {
        var bytes = typeof(HostileInputTests).Assembly.Location is { Length: > 0 } path ? File.ReadAllBytes(path) : new byte[] { 0, 1, 2 };
        var r = LoadBytes(bytes);
        Assert.NotEmpty(r.Diagnostics);
    }

    [Fact]
    public void TenMegabyteLine_IsReadWhole()
    {
        var r = LoadText("global_defs {\n router_id " + new string('a', 10 * 1024 * 1024) + "\n}");
        Assert.Equal(10 * 1024 * 1024, r.Config.Globals.RouterId!.Length);
    }

    [Fact]
    public void TenThousandNestedBraces_GiveDiagnosticsOnly()
    {
        var r = LoadText(new string('{', 10_000) + new string('}', 10_000));
        Assert.NotEmpty(r.Diagnostics);
        var r2 = LoadText("vrrp_instance A " + string.Concat(Enumerable.Repeat("{ authentication ", 10_000)) + new string('}', 10_000));
        Assert.NotEmpty(r2.Diagnostics);
    }

    [Fact]
    public void DeeplyNestedKnownBlocks_DoNotOverflowTheStack()
    {
        // real_server inside real_server is unknown, so nesting cannot grow past the grammar's depth; value blocks
        // and unknown blocks do not recurse. Ten thousand opened checkers are still diagnostics only.
        var text = "virtual_server 10.0.0.1 80 {\n" + string.Concat(Enumerable.Repeat("real_server 10.0.0.2 80 {\nTCP_CHECK {\n", 10_000));
        _ = LoadText(text);
    }

    [Fact]
    public void UnterminatedQuotes_GiveDiagnostics()
    {
        var r = LoadText("global_defs {\n router_id \"abc\n notification_email_from 'x\n}");
        Assert.Contains(r.Diagnostics, d => d.Code == "KA1006" && d.Span.Line == 2);
    }

    [Fact]
    public void IncludeCycles_AndMissingIncludes_GiveDiagnostics()
    {
        var source = new InMemoryConfigSource()
            .Add("/k/a.conf", "include a.conf\ninclude missing/*.conf\ninclude /dev/nope")
            .AddError("/k/b.conf", ConfigFileError.Unreadable);
        var r = ConfigLoader.Load("/k/a.conf", source);
        Assert.Contains(r.Diagnostics, d => d.Code == "KA1004");
        Assert.Contains(r.Diagnostics, d => d.Code == "KA1002");
    }

    [Fact]
    public void ExplodingSequences_AreBounded()
    {
        var r = ConfigReader.Read(TestConfig.Path, new InMemoryConfigSource().Add(TestConfig.Path,
            "~SEQ(a, 1000) ~SEQ(b, 1000) ~SEQ(c, 1000) x $a $b $c"), new ReaderOptions(MaxLines: 100_000));
        Assert.Contains(r.Diagnostics, d => d.Code == "KA1009");
        Assert.Equal(100_000, r.Lines.Length);
    }

    [Fact]
    public void Mutations_OfEverySample_NeverThrow()
    {
        // A property test: at least 10,000 random mutations (byte flips, deletions, duplications, brace and quote
        // injections, truncations) of the seed samples run through the whole pipeline without an exception.
        var dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Seeds");
        var samples = Directory.GetFiles(dir, "*.conf").Select(File.ReadAllBytes).ToList();
        var rng = new Random(20261125);
        int runs = 0;
        while (runs < 10_000)
        {
            var bytes = samples[rng.Next(samples.Count)].ToList();
            int edits = rng.Next(1, 8);
            for (int e = 0; e < edits && bytes.Count > 0; e++)
            {
                int at = rng.Next(bytes.Count);
                switch (rng.Next(6))
                {
                    case 0: bytes[at] = (byte)rng.Next(256); break;
                    case 1: bytes.RemoveRange(at, Math.Min(rng.Next(1, 40), bytes.Count - at)); break;
                    case 2: bytes.InsertRange(at, bytes.Skip(rng.Next(bytes.Count)).Take(rng.Next(1, 60)).ToList()); break;
                    case 3: bytes.Insert(at, (byte)"{}\"'#!$@~\\\n"[rng.Next(11)]); break;
                    case 4: bytes.RemoveRange(at, bytes.Count - at); break;
                    default: bytes.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[rng.Next(Tokens.Length)])); break;
                }
            }
            try
            {
                _ = LoadBytes(bytes.ToArray(), runs % 2 == 0 ? null : new EverythingHost());
            }
            catch (Exception ex)
            {
                Assert.Fail($"mutation {runs} threw {ex}\n--- input ---\n{Encoding.UTF8.GetString(bytes.ToArray())}");
            }
            runs++;
        }
    }

    private static readonly string[] Tokens =
    [
        " priority ", " 256 ", " -1 ", " 99999999999999999999 ", " 1.5 ", "\ninclude /x\n", "\n$A=$A\n$A\n", "\n~SEQ(i,1,0,2) x\n",
        " virtual_router_id ", " advert_int 0.001 ", "\nvrrp_instance X {\n", "\nvirtual_server 1.2.3.4 80 {\n", " ::1/200 ",
        " 10.0.0.1-300 ", "\n@x y\n", " state MASTER ", " weight -300 ", " lb_kind TUN type gue ", " fwmark ", " \"unterminated",
    ];
}
