namespace KeepAlive.Kernel.Tests.Wire;

/// <summary>Hex helpers for golden and hand-derived bytes ("20 00 00 00" or "20000000").</summary>
internal static class Hex
{
    public static byte[] Parse(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty).Replace("\n", string.Empty).Replace("\r", string.Empty));

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
