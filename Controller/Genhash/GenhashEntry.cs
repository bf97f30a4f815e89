using KeepAlive.Controller.CommandLine;

namespace KeepAlive.Controller.Genhash;

/// <summary>How a command line enters genhash (keepalived 2.2.7 main.c): the program is named <c>genhash</c>
/// (argv[0], any directory), or <c>-T</c>/<c>--genhash</c> appears among the options — everything after it is
/// genhash's, and options before it are ignored with keepalived's warning.</summary>
public sealed record GenhashEntry(IReadOnlyList<string> Args, bool AmGenhash, string? Warning)
{
    /// <summary>The genhash invocation in this command line, or null when it is keepalive's own.</summary>
    public static GenhashEntry? Find(IReadOnlyList<string> args, string argv0)
    {
        if (Path.GetFileName(argv0) == "genhash")
            return new GenhashEntry(args, true, null);
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
                return null;
            if (arg == "-T" || (arg.Length >= 3 && arg.StartsWith("--", StringComparison.Ordinal) && "genhash".StartsWith(arg[2..], StringComparison.Ordinal)))
            {
                string? warning = i == 0 ? null : $"Warning -- `{(arg == "-T" ? "-T" : "genhash")}` not used as first option, previous options ignored";
                return new GenhashEntry(args.Skip(i + 1).ToList(), false, warning);
            }
            if (TakesNextArgument(arg))
                i++;
        }
        return null;
    }

    /// <summary>Whether getopt would read the next word as this option's value (so a "-T" there is a value).</summary>
    private static bool TakesNextArgument(string arg)
    {
        if (arg.StartsWith("--", StringComparison.Ordinal))
        {
            if (arg.Contains('='))
                return false;
            var name = arg[2..];
            var matches = OptionSpec.All.Where(o => o.Long.StartsWith(name, StringComparison.Ordinal)).ToList();
            var exact = matches.FirstOrDefault(o => o.Long == name);
            var spec = exact ?? (matches.Count == 1 ? matches[0] : null);
            return spec?.Argument == OptionArgument.Required;
        }
        if (arg.Length < 2 || arg[0] != '-')
            return false;
        for (int k = 1; k < arg.Length; k++)
        {
            var spec = OptionSpec.All.FirstOrDefault(o => o.Short == arg[k]);
            if (spec is null || spec.Argument == OptionArgument.None)
                continue;
            return spec.Argument == OptionArgument.Required && k == arg.Length - 1;
        }
        return false;
    }

    /// <summary>argv[0] as the kernel holds it (/proc/self/cmdline): a <c>genhash</c> symlink to keepalive keeps its
    /// own name there, while the runtime's own view resolves it. "keepalive" when it cannot be read.</summary>
    public static string ReadArgv0()
    {
        try
        {
            var cmdline = File.ReadAllBytes("/proc/self/cmdline");
            int nul = Array.IndexOf(cmdline, (byte)0);
            var first = System.Text.Encoding.UTF8.GetString(cmdline, 0, nul < 0 ? cmdline.Length : nul);
            return first.Length > 0 ? first : "keepalive";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "keepalive";
        }
    }
}
