using System.Diagnostics;

namespace KeepAlive.Privileged.Tests;

/// <summary>Whether privileged tests can run here, and the rule for tools they need: missing under CI is a failure.</summary>
public static class Privilege
{
    public static bool IsRoot => Environment.IsPrivilegedProcess;

    public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips (with the reason) when not root; when a tool is missing, fails under CI and skips elsewhere.</summary>
    public static void Require(params string[] tools)
    {
        Skip.IfNot(IsRoot, "needs root (network namespaces); CI runs as root");
        foreach (var tool in tools)
        {
            if (FindTool(tool) is not null)
                continue;
            if (UnderCi)
                Assert.Fail($"{tool} is missing under CI: .ci/run must install it");
            Skip.If(true, $"{tool} is not installed (apt-get install {tool})");
        }
    }

    public static string? FindTool(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':').Concat(["/usr/sbin", "/sbin"]))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
                return path;
        }
        return null;
    }

    /// <summary>Runs a command with a time limit; returns exit code and combined output. Never leaves it running.</summary>
    public static (int Code, string Output) Run(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
