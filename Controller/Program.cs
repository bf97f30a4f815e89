using KeepAlive.Controller;

// Composition root: the keepalived-compatible command line. The service itself (VRRP, LVS) is hosted by later issues.
return KeepAliveCli.Run(args, Console.Out, Console.Error, new SystemEnvironment());
