namespace KeepAlive.Controller.CommandLine;

/// <summary>The command line after parsing: each option given with its value, in order, or an error.</summary>
public sealed record ParsedOptions(IReadOnlyList<(OptionSpec Option, string? Value)> Given, IReadOnlyList<string> Operands, string? Error)
{
    public bool Has(string longName) => Given.Any(g => g.Option.Long == longName);

    /// <summary>The last value given for an option (getopt semantics: a later option wins).</summary>
    public string? Value(string longName) => Given.LastOrDefault(g => g.Option.Long == longName).Value;
}

/// <summary>
/// A getopt_long-compatible parser: short options may be grouped (<c>-ln</c>), a required value may be attached
/// (<c>-fFILE</c>) or follow (<c>-f FILE</c>), an optional value must be attached (<c>-tFILE</c>,
/// <c>--config-test=FILE</c>); long options may be abbreviated when unambiguous; <c>--</c> ends options.
/// </summary>
public static class OptionParser
{
    public static ParsedOptions Parse(IReadOnlyList<string> args) => Parse(args, OptionSpec.All);

    /// <summary>Parses against another option table (genhash's).</summary>
    public static ParsedOptions Parse(IReadOnlyList<string> args, IReadOnlyList<OptionSpec> specs)
    {
        var given = new List<(OptionSpec, string?)>();
        var operands = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                operands.AddRange(args.Skip(i + 1));
                break;
            }
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var body = arg[2..];
                string? value = null;
                int eq = body.IndexOf('=');
                if (eq >= 0)
                {
                    value = body[(eq + 1)..];
                    body = body[..eq];
                }
                var matches = specs.Where(o => o.Long == body).ToList();
                if (matches.Count == 0)
                    matches = specs.Where(o => o.Long.StartsWith(body, StringComparison.Ordinal)).ToList();
                if (matches.Count != 1)
                    return new ParsedOptions(given, operands, matches.Count == 0 ? $"unrecognized option '--{body}'" : $"option '--{body}' is ambiguous");
                var spec = matches[0];
                switch (spec.Argument)
                {
                    case OptionArgument.None when value is not null:
                        return new ParsedOptions(given, operands, $"option '--{spec.Long}' doesn't allow an argument");
                    case OptionArgument.Required when value is null:
                        if (i + 1 >= args.Count)
                            return new ParsedOptions(given, operands, $"option '--{spec.Long}' requires an argument");
                        value = args[++i];
                        break;
                }
                if (spec.Argument == OptionArgument.Required && value!.Length == 0)
                    return new ParsedOptions(given, operands, $"option '--{spec.Long}' requires a non-empty argument");
                given.Add((spec, value));
                continue;
            }
            if (arg.Length > 1 && arg[0] == '-')
            {
                for (int k = 1; k < arg.Length; k++)
                {
                    var c = arg[k];
                    var spec = specs.FirstOrDefault(o => o.Short == c);
                    if (spec is null)
                        return new ParsedOptions(given, operands, $"invalid option -- '{c}'");
                    if (spec.Argument == OptionArgument.None)
                    {
                        given.Add((spec, null));
                        continue;
                    }
                    var rest = arg[(k + 1)..];
                    if (rest.Length > 0)
                    {
                        given.Add((spec, rest));
                    }
                    else if (spec.Argument == OptionArgument.Required)
                    {
                        if (i + 1 >= args.Count)
                            return new ParsedOptions(given, operands, $"option requires an argument -- '{c}'");
                        given.Add((spec, args[++i]));
                    }
                    else
                    {
                        given.Add((spec, null));
                    }
                    break;
                }
                continue;
            }
            operands.Add(arg);
        }
        return new ParsedOptions(given, operands, null);
    }
}
