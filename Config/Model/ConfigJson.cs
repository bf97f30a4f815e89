using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Model;

/// <summary>The bound model as JSON (<c>--dump-json</c>): addresses as text, times in seconds, origins as
/// <c>file:line:col</c>, enums by name in snake case. The metadata is source-generated (<see cref="ConfigJsonContext"/>),
/// so the dump needs no reflection or run-time code generation and works the same in the native (ahead-of-time
/// compiled) build.</summary>
public static class ConfigJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(KeepAliveConfig config) =>
        JsonSerializer.Serialize(config, (JsonTypeInfo<KeepAliveConfig>)Options.GetTypeInfo(typeof(KeepAliveConfig)));

    private static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            IncludeFields = true,
            TypeInfoResolver = ConfigJsonContext.Default,
        };
        o.Converters.Add(new FamilyConverter());
        o.Converters.Add(new AddressConverter());
        o.Converters.Add(new SecondsConverter());
        o.Converters.Add(new OriginConverter());
        // One converter per enum of the model (a generic converter per type needs no run-time code generation); a
        // test compares the dump with a reflection-based one, so an enum added without its line here shows up there.
        o.Converters.Add(new JsonStringEnumConverter<BroadcastMode>(JsonNamingPolicy.SnakeCaseLower));
        o.Converters.Add(new JsonStringEnumConverter<AddressScope>(JsonNamingPolicy.SnakeCaseLower));
        o.Converters.Add(new JsonStringEnumConverter<InitialState>(JsonNamingPolicy.SnakeCaseLower));
        o.Converters.Add(new JsonStringEnumConverter<AuthType>(JsonNamingPolicy.SnakeCaseLower));
        o.Converters.Add(new JsonStringEnumConverter<ForwardingMethod>(JsonNamingPolicy.SnakeCaseLower));
        o.Converters.Add(new JsonStringEnumConverter<TunnelType>(JsonNamingPolicy.SnakeCaseLower));
        o.Converters.Add(new JsonStringEnumConverter<TunnelChecksum>(JsonNamingPolicy.SnakeCaseLower));
        o.Converters.Add(new JsonStringEnumConverter<LvsProtocol>(JsonNamingPolicy.SnakeCaseLower));
        o.MakeReadOnly();
        return o;
    }

    private sealed class AddressConverter : JsonConverter<IPAddress>
    {
        public override IPAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            IPAddress.Parse(reader.GetString() ?? string.Empty);

        public override void Write(Utf8JsonWriter writer, IPAddress value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }

    private sealed class SecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TimeSpan.FromTicks((long)(reader.GetDecimal() * TimeSpan.TicksPerSecond));

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteRawValue(((decimal)value.Ticks / TimeSpan.TicksPerSecond).ToString("0.######", CultureInfo.InvariantCulture));
    }

    /// <summary>Address families as keepalived and ip(8) name them: inet, inet6.</summary>
    private sealed class FamilyConverter : JsonConverter<System.Net.Sockets.AddressFamily>
    {
        public override System.Net.Sockets.AddressFamily Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() == "inet6" ? System.Net.Sockets.AddressFamily.InterNetworkV6 : System.Net.Sockets.AddressFamily.InterNetwork;

        public override void Write(Utf8JsonWriter writer, System.Net.Sockets.AddressFamily value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "inet6" : "inet");
    }

    private sealed class OriginConverter : JsonConverter<Origin>
    {
        public override Origin Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            reader.Skip();
            return default;
        }

        public override void Write(Utf8JsonWriter writer, Origin value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Span.File is null ? string.Empty : value.Span.ToString());
    }
}

/// <summary>Compile-time JSON metadata of the model (fields included: tuples are written as <c>item1</c>, <c>item2</c>).</summary>
[JsonSourceGenerationOptions(IncludeFields = true)]
[JsonSerializable(typeof(KeepAliveConfig))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
