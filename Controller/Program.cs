using KeepAlive.Controller;
using KeepAlive.Controller.Genhash;

// Composition root: the keepalived-compatible command line, and genhash (as `genhash` or after -T/--genhash).
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
