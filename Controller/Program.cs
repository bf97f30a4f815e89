using KeepAlive.Controller;

// Composition root: the keepalived-compatible command line. The service itself (VRRP, LVS) is hosted by later issues.
try
{
    return KeepAliveCli.Run(args, Console.Out, Console.Error, new SystemEnvironment());
}
catch (Exception e)
{
    // A bug of ours must not look like a configuration verdict: keepalived's "program error" exit code.
    Console.Error.WriteLine($"keepalive: internal error: {e}");
    return KeepAliveCli.InternalError;
}
