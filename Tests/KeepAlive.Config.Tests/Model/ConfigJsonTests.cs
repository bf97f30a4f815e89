using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using KeepAlive.Config.Model;
using KeepAlive.Config.Sources;
using KeepAlive.Config.Tests.Coverage;

namespace KeepAlive.Config.Tests.Model;

/// <summary><c>--dump-json</c> serializes every model shape (regression: a type discriminator that clashed with a
/// property made every configuration with a checker crash the dump).</summary>
public class ConfigJsonTests
{
    public static IEnumerable<object[]> Seeds() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Seeds"), "*.conf").Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void EverySeed_Serializes(string file)
    {
        var text = TextDecoding.Decode(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Seeds", file)));
        using var doc = JsonDocument.Parse(ConfigJson.Serialize(TestConfig.Load(text).Config));
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
    }

    [Fact]
    public void EveryKeywordCase_Serializes()
    {
        foreach (var c in KeywordCases.All)
            JsonDocument.Parse(ConfigJson.Serialize(TestConfig.Load(c.Config).Config)).Dispose();
    }

    /// <summary>The dump's metadata is generated at compile time (the native build has no reflection-based JSON); it
    /// writes what reflection-based serialization with the same settings writes, byte for byte. An enum added to the
    /// model without its converter in <see cref="ConfigJson"/> would be written as a number there and as a name here.</summary>
    [Fact]
    public void SourceGeneratedDump_EqualsTheReflectionBasedOne()
    {
        var reference = new JsonSerializerOptions(ConfigJson.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        foreach (var perEnum in reference.Converters.Where(c => c.GetType().IsGenericType && c.GetType().GetGenericTypeDefinition() == typeof(JsonStringEnumConverter<>)).ToList())
            reference.Converters.Remove(perEnum);
        reference.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        var configs = Seeds().Select(s => TextDecoding.Decode(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Seeds", (string)s[0]))))
            .Concat(KeywordCases.All.Select(c => c.Config))
            .Select(text => TestConfig.Load(text).Config)
            .ToList();
        Assert.True(configs.Count > 100, $"only {configs.Count} configurations");
        foreach (var config in configs)
            Assert.Equal(JsonSerializer.Serialize(config, reference), ConfigJson.Serialize(config));
    }

    [Fact]
    public void Families_AreNamedAsIpNamesThem()
    {
        var text = "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n 2001:db8::1\n }\n}\n";
        using var doc = JsonDocument.Parse(ConfigJson.Serialize(TestConfig.Load(text).Config));
        Assert.Equal("inet6", doc.RootElement.GetProperty("vrrp_instances")[0].GetProperty("family").GetString());
    }

    [Fact]
    public void CheckersAndKeys_CarryTheirKind_AndStatusRangesTheirValues()
    {
        var text = "virtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.0.2 80 {\n HTTP_GET {\n url {\n path /\n status_code 200 301-302\n }\n }\n DNS_CHECK {\n type A\n }\n }\n}\n";
        using var doc = JsonDocument.Parse(ConfigJson.Serialize(TestConfig.Load(text).Config));
        var vs = doc.RootElement.GetProperty("virtual_servers")[0];
        Assert.Equal("address", vs.GetProperty("key").GetProperty("$kind").GetString());
        var checkers = vs.GetProperty("real_servers")[0].GetProperty("checkers");
        Assert.Equal("HTTP_GET", checkers[0].GetProperty("$checker").GetString());
        Assert.Equal("A", checkers[1].GetProperty("type").GetString());
        var codes = checkers[0].GetProperty("urls")[0].GetProperty("status_codes");
        Assert.Equal(200, codes[0].GetProperty("item1").GetInt32());
        Assert.Equal(302, codes[1].GetProperty("item2").GetInt32());
    }
}
