using KeepAlive.Controller.CommandLine;

namespace KeepAlive.Controller;

/// <summary>The usage text, built from the option table so it never drifts from what is parsed.</summary>
public static class Usage
{
    public static void Write(TextWriter writer)
    {
        writer.WriteLine("Usage: keepalive [OPTION...]");
        foreach (var o in OptionSpec.All)
        {
            var name = o.Short != '\0' ? $"-{o.Short}, --{o.Long}" : $"    --{o.Long}";
            name += o.Argument switch
            {
                OptionArgument.Required => "=VALUE",
                OptionArgument.Optional => "[=VALUE]",
                _ => string.Empty,
            };
            writer.WriteLine($"  {name,-32} {o.Help}{(o.NotYet is null ? string.Empty : " [not supported yet]")}");
        }
    }
}
