using System.Diagnostics;
using KeepAlive.Kernel.Linux;

namespace KeepAlive.Controller.Daemon;

/// <summary>
/// Detaching without <c>-n</c>. .NET cannot fork, so the foreground process runs itself again with the same arguments
/// plus <c>--daemon-child</c> and waits: the child starts a new session (setsid), works from /, and writes
/// <see cref="ReadyLine"/> once its node runs, then puts its stdio on /dev/null. The parent relays what the child
/// printed before that (a refused configuration's diagnostics) and exits 0 once the child is ready, or with the
/// child's own exit code if it stops first.
/// </summary>
public static class Detacher
{
    /// <summary>The line the child prints on stdout when it runs.</summary>
    public const string ReadyLine = "keepalive: daemon started, pid ";

    /// <summary>How long the parent waits for the child to start.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The parent: starts the child and waits for it. Returns this process's exit code.</summary>
    public static int RunParent(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var argv = SelfCommand.For(["--" + DaemonOptionsParser.DetachedChildOption, .. args]);   // before any "--" of the user
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in argv.Skip(1))
            psi.ArgumentList.Add(a);
        using var child = Process.Start(psi);
        if (child is null)
        {
            stderr.WriteLine("keepalive: cannot start the background process");
            return 1;
        }
        child.StandardInput.Close();
        using var ready = new ManualResetEventSlim();
        child.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null && !ready.IsSet)
                stderr.WriteLine(e.Data);
        };
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null || ready.IsSet)
                return;
            if (e.Data.StartsWith(ReadyLine, StringComparison.Ordinal))
                ready.Set();
            else
                stdout.WriteLine(e.Data);
        };
        child.BeginErrorReadLine();
        child.BeginOutputReadLine();
        var clock = Stopwatch.StartNew();
        while (!ready.IsSet && !child.HasExited && clock.Elapsed < StartTimeout)
            ready.Wait(TimeSpan.FromMilliseconds(50));
        if (ready.IsSet)
            return 0;
        if (child.HasExited)
        {
            child.WaitForExit();
            stderr.WriteLine($"keepalive: the daemon stopped while starting (exit {child.ExitCode})");
            return child.ExitCode == 0 ? 1 : child.ExitCode;
        }
        stderr.WriteLine($"keepalive: the daemon (pid {child.Id}) did not report its start within {StartTimeout.TotalSeconds:0} s; stopping it");
        child.Kill();
        return 1;
    }

    /// <summary>The child, first thing: a session of its own, from /. Returns a problem or null.</summary>
    public static string? BeginChild()
    {
        Environment.CurrentDirectory = "/";
        return DaemonProcess.NewSession();
    }

    /// <summary>The child, once its node runs: tells the parent, then leaves the parent's pipes for /dev/null.</summary>
    public static string? ChildReady(TextWriter stdout)
    {
        stdout.WriteLine(ReadyLine + Environment.ProcessId);
        stdout.Flush();
        return DaemonProcess.StdioToDevNull();
    }
}
