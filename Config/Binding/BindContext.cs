using System.Collections.Immutable;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>A keyword handler: reads one node into the draft of the block being bound.</summary>
public delegate void KeywordHandler<TDraft>(TDraft draft, SyntaxNode node, BindContext context);

/// <summary>
/// The keyword → handler table of one block kind (keepalived's good idea: keyword tables), writing into a per-block
/// draft rather than globals. Keywords of the grammar without a handler are kept as <see cref="RawSetting"/> and
/// reported "recognised, not supported yet".
/// </summary>
public sealed class KeywordTable<TDraft>
{
    private readonly Dictionary<string, KeywordHandler<TDraft>> _handlers = new(StringComparer.Ordinal);

    public KeywordTable<TDraft> On(string keyword, KeywordHandler<TDraft> handler)
    {
        _handlers[keyword] = handler;
        return this;
    }

    /// <summary>A keyword taking one unsigned number in [min, max]; an invalid value is reported and ignored.</summary>
    public KeywordTable<TDraft> OnUInt(string keyword, long min, long max, Action<TDraft, long> set) =>
        On(keyword, (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, min, max, out var v, "ignored"))
                set(d, v);
        });

    /// <summary>A keyword taking one time in seconds (microsecond resolution) in [minMicros, maxMicros]; an invalid
    /// value is reported and ignored.</summary>
    public KeywordTable<TDraft> OnTimer(string keyword, long minMicros, long maxMicros, Action<TDraft, TimeSpan> set) =>
        On(keyword, (d, n, c) =>
        {
            if (c.Values.TryTimer(n, 0, minMicros, maxMicros, out var v, "ignored"))
                set(d, v);
        });

    /// <summary>A keyword with an optional true/on/yes or false/off/no (a bare keyword means true); an invalid word is
    /// reported and the line ignored.</summary>
    public KeywordTable<TDraft> OnBool(string keyword, Action<TDraft, bool> set) =>
        On(keyword, (d, n, c) =>
        {
            if (c.Values.TryOptionalBool(n, out var b))
                set(d, b);
        });

    /// <summary>The keywords this table binds (used by the coverage test).</summary>
    public IReadOnlyCollection<string> Keywords => _handlers.Keys;

    public bool Handles(string keyword) => _handlers.ContainsKey(keyword);

    /// <summary>Binds each child node with its handler; unhandled ones become raw settings in <paramref name="other"/>.</summary>
    public void Bind(TDraft draft, ImmutableArray<SyntaxNode> nodes, BindContext context, List<RawSetting>? other)
    {
        foreach (var node in nodes)
            BindOne(draft, node, context, other);
    }

    /// <summary>Like <see cref="Bind(TDraft, ImmutableArray{SyntaxNode}, BindContext, List{RawSetting}?)"/>, creating
    /// the raw settings list only when a block has one (most blocks of a large configuration have none).</summary>
    public void Bind(TDraft draft, ImmutableArray<SyntaxNode> nodes, BindContext context, ref List<RawSetting>? other)
    {
        foreach (var node in nodes)
        {
            if (BindCore(draft, node, context))
                (other ??= new()).Add(BindContext.ToRaw(node));
        }
    }

    /// <summary>Binds one node with its handler, or keeps it raw.</summary>
    public void BindOne(TDraft draft, SyntaxNode node, BindContext context, List<RawSetting>? other)
    {
        if (BindCore(draft, node, context))
            other?.Add(BindContext.ToRaw(node));
    }

    /// <summary>Runs the node's handler; true when the keyword has none and is kept raw.</summary>
    private bool BindCore(TDraft draft, SyntaxNode node, BindContext context)
    {
        var name = node.Keyword.AliasOf ?? node.Keyword.Name;
        if (node.Keyword.AliasOf is not null)
        {
            var descriptor = node.Keyword.Notes.StartsWith("KeepAlive:", StringComparison.Ordinal)
                ? DiagnosticCodes.ExtensionAlias
                : DiagnosticCodes.DeprecatedKeyword;
            context.Report(descriptor.At(node.KeywordToken.Span, node.Name, node.Keyword.AliasOf));
        }
        if (_handlers.TryGetValue(name, out var handler))
        {
            handler(draft, node, context);
            return false;
        }
        if (node.Keyword.RequiresArgument && node.Arguments.IsEmpty)
        {
            context.Values.Arg(node, 0, "a value");
            return false;
        }
        context.Report(DiagnosticCodes.NotSupportedYet.At(node.KeywordToken.Span, node.Name));
        return true;
    }
}

/// <summary>State shared by the binders of one configuration: diagnostics and the value reader.</summary>
public sealed class BindContext
{
    private readonly List<Diagnostic> _diagnostics = new();

    public BindContext(Func<string, int?>? interfaceMtu = null)
    {
        Values = new ValueReader(_diagnostics);
        InterfaceMtu = interfaceMtu;
    }

    /// <summary>The MTU of an interface of this host, when host facts are known (null: keepalived's 1500).</summary>
    public Func<string, int?>? InterfaceMtu { get; }

    public ValueReader Values { get; }

    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics;

    public void Report(Diagnostic diagnostic) => _diagnostics.Add(diagnostic);

    /// <summary>Keeps a node as written.</summary>
    public static RawSetting ToRaw(SyntaxNode node)
    {
        var args = node.Arguments.Select(a => a.Text);
        if (node.Keyword.Shape == Grammar.KeywordShape.Values)
            args = args.Concat(node.Values.SelectMany(v => v.Select(t => t.Text)));
        return new RawSetting(node.Name, args.ToValueList(), node.Children.Select(ToRaw).ToValueList(), new Origin(node.Span));
    }

    /// <summary>The block's name (first word after the keyword), or null with a diagnostic.</summary>
    public string? BlockName(SyntaxNode node)
    {
        if (node.Arguments.Length > 0)
            return node.Arguments[0].Text;
        Report(BinderCodes.MissingName.At(node.KeywordToken.Span, node.Name));
        return null;
    }
}
