using System.Collections.Immutable;

namespace KeepAlive.Config.Diagnostics;

/// <summary>
/// The catalogue of every diagnostic the config pipeline can report. Codes are stable: KA10xx reading and includes,
/// KA11xx block structure and keywords, KA2xxx values of one keyword, KA3xxx rules across objects, KA4xxx facts
/// about this host. Each entry names keepalived 2.2.7's class for the same problem so <c>-t</c> exits as it does.
/// </summary>
public static class DiagnosticCodes
{
    private static DiagnosticDescriptor D(string code, Severity severity, KeepalivedClass keepalived, string title, string format) =>
        DescriptorCatalog.Define(code, severity, keepalived, title, format);

    // ---- KA10xx: reading files, includes, definitions ----
    public static readonly DiagnosticDescriptor ConfigFileMissing = D("KA1001", Severity.Error, KeepalivedClass.FileNotFound,
        "Configuration file cannot be read", "cannot read configuration file '{0}': {1}");
    public static readonly DiagnosticDescriptor IncludeNoMatch = D("KA1002", Severity.Warning, KeepalivedClass.None,
        "Include matches no file", "include '{0}' matches no file: nothing is included from it");
    public static readonly DiagnosticDescriptor IncludeUnreadable = D("KA1003", Severity.Warning, KeepalivedClass.None,
        "Included file skipped", "included file '{0}' {1} - skipping it");
    public static readonly DiagnosticDescriptor IncludeCycle = D("KA1004", Severity.Error, KeepalivedClass.None,
        "Include cycle", "include cycle: '{0}' is already being read (via {1}); not including it again");
    public static readonly DiagnosticDescriptor IncludeTooDeep = D("KA1005", Severity.Error, KeepalivedClass.None,
        "Includes nested too deeply", "includes nested deeper than {0} levels: '{1}' not included");
    public static readonly DiagnosticDescriptor UnterminatedQuote = D("KA1006", Severity.Warning, KeepalivedClass.UnmatchedQuote,
        "Unterminated quote", "unterminated quote: the line is read up to the missing closing '\"'");
    public static readonly DiagnosticDescriptor InvalidSequence = D("KA1007", Severity.Warning, KeepalivedClass.GeneralError,
        "Invalid ~SEQ/~LST", "invalid {0} specification '{1}': {2}; the line is ignored");
    public static readonly DiagnosticDescriptor SubstitutionLoop = D("KA1008", Severity.Error, KeepalivedClass.None,
        "Parameter substitution does not end", "parameter substitution does not end after {0} rounds (a definition refers to itself?): '{1}'");
    public static readonly DiagnosticDescriptor TooManyLines = D("KA1009", Severity.Error, KeepalivedClass.None,
        "Configuration too large", "configuration expands to more than {0} lines; reading stopped here");
    public static readonly DiagnosticDescriptor IncludeMissingFile = D("KA1010", Severity.Warning, KeepalivedClass.None,
        "Include without a file", "'include' needs a file name or pattern");
    public static readonly DiagnosticDescriptor IncludeMissingRequired = D("KA1011", Severity.Error, KeepalivedClass.FileNotFound,
        "Include matches no file (--all-config)", "include '{0}' matches no file, and --all-config requires every file");
    public static readonly DiagnosticDescriptor MultipleConfigFiles = D("KA1012", Severity.Warning, KeepalivedClass.MultipleFiles,
        "Several configuration files match", "configuration file pattern '{0}' matches {1} files; reading them in order, starting with '{2}'");
    public static readonly DiagnosticDescriptor ControlCharacters = D("KA1013", Severity.Warning, KeepalivedClass.None,
        "Control characters in configuration", "line contains control characters (binary data?); they are read as ordinary characters");
    public static readonly DiagnosticDescriptor LineLongerThanKeepalivedReads = D("KA1014", Severity.Warning, KeepalivedClass.GeneralError,
        "Line longer than keepalived reads", "line is {0} bytes long: keepalived 2.2.7 reads at most 1023 bytes of a line and parses the rest as further lines, so this configuration means something else to keepalived (KeepAlive reads the whole line); split it");

    // ---- KA11xx: structure and keywords ----
    public static readonly DiagnosticDescriptor UnknownKeyword = D("KA1101", Severity.Warning, KeepalivedClass.UnknownKeyword,
        "Unknown keyword", "unknown keyword '{0}' in {1}{2}; the line is ignored");
    public static readonly DiagnosticDescriptor UnexpectedOpenBrace = D("KA1102", Severity.Warning, KeepalivedClass.UnexpectedOpenBrace,
        "Unexpected '{'", "unexpected '{{' ignored: the lines that follow are read as part of {0}, and the next '}}' closes {0}");
    public static readonly DiagnosticDescriptor MissingOpenBrace = D("KA1103", Severity.Warning, KeepalivedClass.MissingOpenBrace,
        "Missing '{'", "missing '{{' at the beginning of the {0} block; the block is read anyway");
    public static readonly DiagnosticDescriptor ExtraCloseBrace = D("KA1104", Severity.Warning, KeepalivedClass.UnexpectedCloseBrace,
        "Extra '}'", "extra '}}' found at top level; ignored");
    public static readonly DiagnosticDescriptor MissingCloseBrace = D("KA1105", Severity.Warning, KeepalivedClass.MissingCloseBrace,
        "Missing '}'", "the {0} block opened here is never closed (end of configuration reached)");
    public static readonly DiagnosticDescriptor BlockExtraParameters = D("KA1106", Severity.Warning, KeepalivedClass.GeneralError,
        "Block keyword with extra words", "'{0}' takes no parameters before its '{{' block; '{1}' ignored");
    public static readonly DiagnosticDescriptor NotSupportedYet = D("KA1107", Severity.Warning, KeepalivedClass.None,
        "Recognised, not supported yet", "'{0}' is recognised, not supported yet: it is kept in the configuration but has no effect");
    public static readonly DiagnosticDescriptor DeprecatedKeyword = D("KA1108", Severity.Warning, KeepalivedClass.Deprecated,
        "Deprecated keyword", "'{0}' is deprecated; use '{1}' (read as '{1}')");
    public static readonly DiagnosticDescriptor ValueBlockMissingOpen = D("KA1110", Severity.Warning, KeepalivedClass.None,
        "Value block without '{'", "'{{' missing at the beginning of the {0} block; its lines are read as values up to the next '}}'");
    public static readonly DiagnosticDescriptor ExtensionAlias = D("KA1112", Severity.Warning, KeepalivedClass.UnknownKeyword,
        "Alias keepalived 2.2.7 does not know here", "'{0}' is deprecated and keepalived 2.2.7 does not know it here; read as '{1}' (use '{1}')");
    public static readonly DiagnosticDescriptor UnbalancedBraces = D("KA1113", Severity.Warning, KeepalivedClass.MissingCloseBrace,
        "Unbalanced braces", "this '{{' has no matching '}}': the configuration has {0} more '{{' than '}}' (a '{{' inside a value block or after an unknown keyword opens nothing)");
    public static readonly DiagnosticDescriptor StrayCloseBrace = D("KA1111", Severity.Warning, KeepalivedClass.UnknownKeyword,
        "Stray '}' at top level", "'}}' at top level closes nothing; ignored");

    /// <summary>Every descriptor, in code order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } = DescriptorCatalog.FieldsOf(typeof(DiagnosticCodes))
        .Concat(Binding.BinderCodes.All)
        .Concat(Validation.ValidationDescriptors.All)
        .OrderBy(d => d.Code, StringComparer.Ordinal)
        .ToImmutableArray();
}
