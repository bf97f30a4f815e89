using System.Collections.Immutable;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>Tracking lists (<c>track_interface</c>, <c>track_script</c>, <c>track_file</c>, <c>track_process</c>,
/// <c>track_bfd</c>): one object per line, <c>NAME [weight N [reverse|noreverse]]</c>.</summary>
public static class TrackingBinder
{
    /// <summary>Weight bounds per list (keepalived-reference.md §3.8): interfaces/scripts/BFD ±253, files/processes ±254.</summary>
    public static int WeightLimit(string keyword) => keyword is "track_file" or "track_process" ? 254 : 253;

    public static ValueList<TrackedObject> Bind(SyntaxNode node, BindContext context, ValueList<TrackedObject> existing)
    {
        var list = new List<TrackedObject>(existing);
        var limit = WeightLimit(node.Keyword.Name);
        foreach (var line in node.Values)
        {
            if (Bind(node.Name, line, limit, context) is { } obj)
            {
                if (list.Any(o => o.Name == obj.Name))
                {
                    context.Report(BinderCodes.DuplicateName.At(line[0].Span, node.Name, obj.Name, list.First(o => o.Name == obj.Name).Origin, "the second is ignored"));
                    continue;
                }
                list.Add(obj);
            }
        }
        return list.ToValueList();
    }

    private static TrackedObject? Bind(string keyword, ImmutableArray<Token> line, int limit, BindContext context)
    {
        var name = line[0];
        int? weight = null;
        bool reverse = false;
        for (int i = 1; i < line.Length; i++)
        {
            var w = line[i];
            switch (w.Text)
            {
                case "weight":
                    if (i + 1 >= line.Length)
                    {
                        context.Report(BinderCodes.MissingParameter.At(w.Span, keyword, $"a number after 'weight' for {name.Text}"));
                        return null;
                    }
                    var v = line[++i];
                    // keepalived coerces ±254 to ±253 for the ±253 lists (track_script); other values outside are errors.
                    if (limit == 253 && (v.Text == "254" || v.Text == "-254"))
                    {
                        weight = v.Text.StartsWith('-') ? -253 : 253;
                        context.Report(BinderCodes.ValueReplaced.At(v.Span, keyword, $"weight {v.Text} is outside -253..253", weight.ToString()));
                        break;
                    }
                    if (!context.Values.TryInt(keyword, v, -limit, limit, out var wv, $"{name.Text} is not tracked"))
                        return null;
                    weight = (int)wv;
                    break;
                case "reverse":
                    reverse = true;
                    break;
                case "noreverse":
                    reverse = false;
                    break;
                default:
                    context.Report(BinderCodes.UnknownOption.At(w.Span, keyword, w.Text, $" for {name.Text}"));
                    break;
            }
        }
        return new TrackedObject(name.Text, weight, reverse, new Origin(name.Span));
    }
}
