using KeepAlive.Controller;
using KeepAlive.Controller.Genhash;

// Composition root: the keepalived-compatible command line, and genhash (as `genhash` or after -T/--genhash).
// First of all, before the runtime sets up its signal handling: a signal inherited ignored (SIGINT and SIGQUIT in a
// shell's background job, SIGHUP under nohup) would stay ignored despite the daemon's handlers. keepalived handles
// them whatever it inherited (measured: `kill -INT` stops it as a background job, SIGHUP reloads it under nohup).
if (OperatingSystem.IsLinux())
    KeepAlive.Kernel.Linux.SignalDispositions.ResetIgnored(SignalNumbers.Handled());
try
{
    var argv0 = GenhashEntry.ReadArgv0();
    if (GenhashEntry.Find(args, argv0) is { } genhash)
    {
        if (genhash.Warning is not null)
            Console.Error.WriteLine(genhash.Warning);
        return await GenhashCommand.RunAsync(genhash.Args, genhash.AmGenhash ? argv0 : "keepalive", genhash.AmGenhash, Console.Out, Console.Error);
    }
    return KeepAliveCli.Run(args, Console.Out, Console.Error, new SystemEnvironment());
}
catch (Exception e)
{
    // A bug of ours must not look like a configuration verdict: keepalived's "program error" exit code.
    Console.Error.WriteLine($"keepalive: internal error: {e}");
    return KeepAliveCli.InternalError;
}
