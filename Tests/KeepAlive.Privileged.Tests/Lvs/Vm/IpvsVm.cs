using System.Diagnostics;
using System.Globalization;

namespace KeepAlive.Privileged.Tests.Lvs.Vm;

/// <summary>
/// The IPVS test VM: Debian's own kernel under qemu, driven by <c>ipvs-vm.sh</c> beside this file (copied to the test
/// output). A test writes a <c>run.sh</c> into a share directory, boots the VM with a self-contained .NET build
/// shared read-only at <c>/mnt/app</c>, and reads what <c>run.sh</c> left in the share. qemu runs without a network
/// card, so the VM never touches the host's network namespaces.
/// </summary>
public static class IpvsVm
{
    /// <summary>Preparing may download and unpack the kernel package and build the initramfs (about 40 s, once).</summary>
    public static readonly TimeSpan PrepareLimit = TimeSpan.FromMinutes(10);

    private static string Harness => Path.Combine(AppContext.BaseDirectory, "Lvs", "Vm", "ipvs-vm.sh");

    /// <summary>Skips when not root. When the VM cannot be prepared (no qemu, no kernel package, offline with an
    /// empty cache), fails under CI and skips elsewhere, with the harness's words.</summary>
    public static async Task RequireAsync()
    {
        Skip.IfNot(Privilege.IsRoot, "needs root (apt-get, qemu); CI runs as root");
        var prepared = await RunAsync(["prepare"], PrepareLimit);
        if (prepared.ExitCode == 0)
            return;
        string reason = $"the IPVS test VM cannot be prepared (ipvs-vm.sh prepare exited {prepared.ExitCode}):\n{prepared.Output}";
        if (Privilege.UnderCi)
            Assert.Fail(reason);
        Skip.If(true, reason);
    }

    /// <summary>Boots the VM on <paramref name="share"/> (which holds run.sh) with <paramref name="app"/> at
    /// /mnt/app and, when given, the .NET install <paramref name="dotnet"/> at /mnt/dotnet (for a framework-dependent
    /// <paramref name="app"/>); the harness kills qemu after <paramref name="limit"/>.</summary>
    public static Task<VmRun> BootAsync(string share, string app, TimeSpan limit, string? dotnet = null) =>
        RunAsync(["run", share, "--timeout", ((int)limit.TotalSeconds).ToString(CultureInfo.InvariantCulture), "--app", app,
            .. dotnet is null ? Array.Empty<string>() : ["--dotnet", dotnet]], limit + PrepareLimit);

    /// <summary>The self-contained build of a project under Tests/ (the same configuration as this assembly), found
    /// from the repository root; the test project builds it first.</summary>
    public static string TestTool(string project, string executable)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KeepAlive.sln")))
            dir = dir.Parent;
        string configuration = AppContext.BaseDirectory.Contains("/bin/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var output = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("KeepAlive.sln not found above " + AppContext.BaseDirectory),
            "Tests", project, "bin", configuration, "net10.0", "linux-x64");
        return File.Exists(Path.Combine(output, executable)) ? output : throw new InvalidOperationException($"{output}/{executable} is not built (build the solution first)");
    }

    private static async Task<VmRun> RunAsync(IReadOnlyList<string> arguments, TimeSpan limit)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Harness);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = new Process { StartInfo = start };
        var clock = Stopwatch.StartNew();
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The harness bounds qemu itself; this only catches a harness that hangs. qemu is its child: the tree goes.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"ipvs-vm.sh {string.Join(' ', arguments)} did not finish within {limit}:\n{await stdout}{await stderr}");
        }
        return new VmRun(process.ExitCode, await stdout + await stderr, clock.Elapsed);
    }
}

/// <summary>One run of the harness: its exit code (run.sh's inside the VM; 124 timeout, 125 stopped early), the
/// serial log and the harness's own lines, and how long it took.</summary>
public sealed record VmRun(int ExitCode, string Output, TimeSpan Elapsed);
