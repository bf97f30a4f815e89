using System.Collections.Immutable;
using KeepAlive.Config.Diagnostics;

namespace KeepAlive.Config.Binding;

/// <summary>Diagnostics about the value of one keyword (KA2xxx). Where keepalived silently substitutes a value, the
/// message says which value will be used.</summary>
public static class BinderCodes
{
    private static DiagnosticDescriptor D(string code, Severity severity, KeepalivedClass keepalived, string title, string format) =>
        DescriptorCatalog.Define(code, severity, keepalived, title, format);

    public static readonly DiagnosticDescriptor MissingParameter = D("KA2001", Severity.Error, KeepalivedClass.Abort,
        "Missing value", "'{0}' needs {1}; keepalived stops reading the configuration here (exit 2)");
    public static readonly DiagnosticDescriptor MissingParameterIgnored = D("KA2019", Severity.Warning, KeepalivedClass.GeneralError,
        "Missing value, line ignored", "'{0}' needs {1}; the line is ignored");
    public static readonly DiagnosticDescriptor InvalidNumber = D("KA2002", Severity.Warning, KeepalivedClass.InvalidNumber,
        "Invalid number", "'{0}': '{1}' is not a valid number{2}");
    public static readonly DiagnosticDescriptor OutOfRange = D("KA2003", Severity.Warning, KeepalivedClass.InvalidNumber,
        "Number out of range", "'{0}': {1} is outside {2}{3}");
    public static readonly DiagnosticDescriptor InvalidValue = D("KA2004", Severity.Warning, KeepalivedClass.GeneralError,
        "Invalid value", "'{0}': invalid value '{1}' ({2}){3}");
    public static readonly DiagnosticDescriptor InvalidAddress = D("KA2005", Severity.Warning, KeepalivedClass.GeneralError,
        "Invalid address", "'{0}': '{1}' is not a valid {2}{3}");
    public static readonly DiagnosticDescriptor ValueReplaced = D("KA2006", Severity.Warning, KeepalivedClass.Warning,
        "Value replaced", "'{0}': {1}; keepalived uses {2}");
    public static readonly DiagnosticDescriptor ExtraArguments = D("KA2007", Severity.Warning, KeepalivedClass.None,
        "Extra words ignored", "'{0}' takes {1}; the extra words from '{2}' on are ignored");
    public static readonly DiagnosticDescriptor DuplicateName = D("KA2008", Severity.Warning, KeepalivedClass.GeneralError,
        "Duplicate definition", "{0} '{1}' is defined again here (first at {2}); {3}");
    public static readonly DiagnosticDescriptor MissingName = D("KA2009", Severity.Warning, KeepalivedClass.MissingParameter,
        "Block without a name", "'{0}' needs a name; the block is ignored");
    public static readonly DiagnosticDescriptor RequiredMissing = D("KA2010", Severity.Warning, KeepalivedClass.GeneralError,
        "Required setting missing", "{0} '{1}' has no {2}; {3}");
    public static readonly DiagnosticDescriptor DefaultApplied = D("KA2011", Severity.Warning, KeepalivedClass.GeneralError,
        "Default applied", "{0}: no {1} set; keepalived uses {2}");
    public static readonly DiagnosticDescriptor UnknownOption = D("KA2012", Severity.Warning, KeepalivedClass.GeneralError,
        "Unknown option word", "'{0}': unknown option '{1}'{2}; ignored");
    public static readonly DiagnosticDescriptor Ignored = D("KA2013", Severity.Warning, KeepalivedClass.GeneralError,
        "Setting ignored", "'{0}' {1}; ignored");
    public static readonly DiagnosticDescriptor Truncated = D("KA2014", Severity.Warning, KeepalivedClass.Warning,
        "Value truncated", "'{0}': '{1}' is longer than {2} characters; keepalived uses '{3}'");
    public static readonly DiagnosticDescriptor DeprecatedUse = D("KA2015", Severity.Warning, KeepalivedClass.Deprecated,
        "Deprecated form", "'{0}': {1}");
    public static readonly DiagnosticDescriptor DeprecatedQuietly = D("KA2020", Severity.Warning, KeepalivedClass.None,
        "Deprecated form keepalived accepts quietly", "'{0}': {1}");
    public static readonly DiagnosticDescriptor DuplicateAddress = D("KA2021", Severity.Warning, KeepalivedClass.None,
        "Address listed twice", "{0} '{1}' is listed again here (first at {2}); it is used once");
    public static readonly DiagnosticDescriptor EmptyBlock = D("KA2022", Severity.Warning, KeepalivedClass.GeneralError,
        "Empty block", "the '{0}' block is empty{1}");
    public static readonly DiagnosticDescriptor InstanceDropped = D("KA2016", Severity.Error, KeepalivedClass.GeneralError,
        "VRRP instance cannot run", "{0}: {1}; keepalived's VRRP process stops on this configuration");
    public static readonly DiagnosticDescriptor Info = D("KA2017", Severity.Info, KeepalivedClass.None,
        "Note", "{0}");
    public static readonly DiagnosticDescriptor InvalidBool = D("KA2018", Severity.Warning, KeepalivedClass.GeneralError,
        "Invalid yes/no value", "'{0}': '{1}' is not one of true/on/yes/false/off/no; {2}");
    /// <summary>A script line whose re-split (alloc_strvec_quoted_escaped) finds an unmatched quote: keepalived reports a
    /// configuration error and drops the script.</summary>
    public static readonly DiagnosticDescriptor ScriptUnmatchedQuote = D("KA2023", Severity.Warning, KeepalivedClass.UnmatchedQuote,
        "Script with an unmatched quote", "'{0}': {1}; keepalived cannot parse the script and ignores it");
    /// <summary>A script line keepalived cannot split into a command (a trailing backslash, an empty command): it only
    /// logs "Unable to parse" and drops the script.</summary>
    public static readonly DiagnosticDescriptor ScriptUnreadable = D("KA2024", Severity.Warning, KeepalivedClass.None,
        "Script keepalived cannot parse", "'{0}': {1}; keepalived logs that it is unable to parse the script and ignores it");
    /// <summary>A setting keepalived accepts silently (or only logs, outside its configuration error count) but that
    /// does not do what it says; never changes the <c>-t</c> exit code.</summary>
    public static readonly DiagnosticDescriptor NoEffect = D("KA2040", Severity.Warning, KeepalivedClass.None,
        "Setting without the expected effect", "'{0}': {1}");

    public static ImmutableArray<DiagnosticDescriptor> All { get; } = DescriptorCatalog.FieldsOf(typeof(BinderCodes));
}
