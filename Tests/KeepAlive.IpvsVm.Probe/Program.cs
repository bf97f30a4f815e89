using System.Diagnostics;
using KeepAlive.IpvsVm.Probe;
using KeepAlive.Kernel.Linux;

// ipvs-probe SCENARIO
//
// Replays a scenario (one ipvsadm command line a line, "ipvsadm" first or not, so --dry-run output serves as it is;
// '#' starts a comment) against the kernel.
// Changes go through our LinuxIpvsPort; listings (-Ln, -Ln --persistent-conn, -L --timeout) are printed twice: by
// ipvsadm, and rendered from what our port reads back. Every line's block:
//   === ipvsadm ARGS
//   --- ipvsadm exit N        (listings), then ipvsadm's output
//   --- ours ok|errno N: MSG  then, for listings, ours
//   === end
// Exit code: 0 once every line ran (the test judges the results), 2 on a usage or scenario error.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: ipvs-probe SCENARIO");
    return 2;
}
var opened = LinuxIpvsPort.Open(out var port);
if (!opened.IsOk)
{
    Console.Error.WriteLine($"ipvs-probe: cannot open generic netlink: {opened}");
    return 2;
}
using (port)
{
    foreach (var raw in File.ReadAllLines(args[0]))
    {
        var line = raw.Split('#')[0].Trim();
        if (line.Length == 0)
            continue;
        var arguments = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (arguments[0] == "ipvsadm")
            (arguments, line) = (arguments[1..], string.Join(' ', arguments[1..]));
        Console.WriteLine($"=== ipvsadm {line}");
        if (IpvsadmListing.IsListing(arguments))
        {
            RunIpvsadm(arguments);
            var listed = IpvsadmListing.Render(port!, arguments, out var text);
            Console.WriteLine($"--- ours {listed}");
            Console.Write(text);
        }
        else
        {
            var command = IpvsadmCommand.Parse(arguments, out var error);
            if (command is null)
            {
                Console.Error.WriteLine($"ipvs-probe: {args[0]}: {error}: {line}");
                return 2;
            }
            Console.WriteLine($"--- ours {command.ApplyTo(port!)}");
        }
        Console.WriteLine("=== end");
    }
}
return 0;

static void RunIpvsadm(string[] arguments)
{
    var start = new ProcessStartInfo("ipvsadm", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
    using var ipvsadm = Process.Start(start) ?? throw new InvalidOperationException("cannot start ipvsadm");
    var stdout = ipvsadm.StandardOutput.ReadToEndAsync();
    var stderr = ipvsadm.StandardError.ReadToEndAsync();
    if (!ipvsadm.WaitForExit(TimeSpan.FromSeconds(30)))
    {
        ipvsadm.Kill();
        ipvsadm.WaitForExit();
        Console.WriteLine("--- ipvsadm exit timeout");
        return;
    }
    Console.WriteLine($"--- ipvsadm exit {ipvsadm.ExitCode}");
    Console.Write(stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
}
