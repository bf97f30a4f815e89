namespace KeepAlive.Privileged.Tests;

/// <summary>Copies of files that will be executed.</summary>
public static class ExecutableCopy
{
    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> with a cp(1) process, so that the copy is never
    /// opened for writing in this process: a process that another test forks meanwhile inherits this process's open files
    /// until it execs, and an exec of a file someone holds open for writing fails with ETXTBSY (seen once in CI:
    /// CouldNotStart).</summary>
    public static void Make(string from, string to)
    {
        using var cp = System.Diagnostics.Process.Start("/bin/cp", [from, to]);
        if (!cp.WaitForExit(10_000) || cp.ExitCode != 0)
            throw new IOException($"cp {from} {to} failed");
    }
}
