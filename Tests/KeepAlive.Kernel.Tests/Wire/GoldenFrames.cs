using System.Text.Json;

namespace KeepAlive.Kernel.Tests.Wire;

/// <summary>One frame kind of a golden capture (Fixtures/Vrrp/&lt;case&gt;/frames.txt): its fields as the capture
/// tool parsed them, the whole Ethernet frame and the IP payload.</summary>
public sealed record GoldenFrame(string Case, string Kind, JsonElement Fields, byte[] Frame, byte[] Payload)
{
    public string Text(string name) => Fields.GetProperty(name).ValueKind == JsonValueKind.String
        ? Fields.GetProperty(name).GetString()!
        : Fields.GetProperty(name).GetRawText();

    public int Int(string name) => Fields.GetProperty(name).ValueKind == JsonValueKind.String
        ? Convert.ToInt32(Fields.GetProperty(name).GetString(), 16)
        : Fields.GetProperty(name).GetInt32();

    public override string ToString() => $"{Case} {Kind}";
}

public static class GoldenFrames
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Vrrp");

    public static IReadOnlyList<string> Cases =>
        Directory.GetDirectories(Root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    public static IReadOnlyList<GoldenFrame> Load(string caseName)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, caseName, "frames.txt"));
        var frames = new List<GoldenFrame>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("FRAME KIND: ", StringComparison.Ordinal))
                continue;
            var kind = lines[i]["FRAME KIND: ".Length..].Split(' ', 2)[0];
            var fields = JsonDocument.Parse(lines[i + 1]["fields: ".Length..]).RootElement.Clone();
            var frame = Convert.FromHexString(lines[i + 3].Trim());
            var payload = Convert.FromHexString(lines[i + 5].Trim());
            frames.Add(new GoldenFrame(caseName, kind, fields, frame, payload));
        }
        return frames;
    }

    public static IEnumerable<GoldenFrame> All => Cases.SelectMany(Load);

    public static IEnumerable<GoldenFrame> Vrrp => All.Where(f => f.Text("kind") == "VRRP");
}
