using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Diagnostics;

/// <summary>How bad a problem is for us. Errors stop the service from starting (or a reload from applying);
/// warnings are reported and the configuration runs (errors under <c>--strict</c>).</summary>
public enum Severity
{
    Info,
    Warning,
    Error,
}

/// <summary>
/// How keepalived 2.2.7 classifies the same problem (lib/parser.h config_err_t, in its order), which decides the
/// exit code of <c>-t</c>: the greatest class reported wins. <see cref="None"/> marks problems that only we report;
/// they never change the exit code. <see cref="Abort"/> marks problems on which a keepalived child exits with
/// KEEPALIVED_EXIT_CONFIG (2) during validation.
/// </summary>
public enum KeepalivedClass
{
    None = 0,
    FileNotFound,
    BadInterface,
    Fatal,
    MultipleFiles,
    UnknownKeyword,
    UnexpectedOpenBrace,
    MissingOpenBrace,
    UnexpectedCloseBrace,
    MissingCloseBrace,
    UnmatchedQuote,
    MissingParameter,
    InvalidNumber,
    GeneralError,
    Warning,
    Deprecated,
    SecurityError,
    Abort,
}

/// <summary>One problem found in a configuration, with a stable code and the place it was found.</summary>
public sealed record Diagnostic(DiagnosticDescriptor Descriptor, Severity Severity, string Message, SourceSpan Span)
{
    public string Code => Descriptor.Code;

    /// <summary>Compiler-style text: <c>path:line:col: error KA1234: message</c>.</summary>
    public override string ToString()
    {
        var sev = Severity switch
        {
            Severity.Error => "error",
            Severity.Warning => "warning",
            _ => "info",
        };
        return $"{Span}: {sev} {Code}: {Message}";
    }
}

/// <summary>The definition of a diagnostic: stable code, default severity, keepalived's class, and a message format.</summary>
public sealed record DiagnosticDescriptor(string Code, Severity DefaultSeverity, KeepalivedClass Keepalived, string Format, string Title)
{
    /// <summary>Creates a diagnostic at <paramref name="span"/> with the message formatted from <paramref name="args"/>.</summary>
    public Diagnostic At(SourceSpan span, params object?[] args) =>
        new(this, DefaultSeverity, string.Format(System.Globalization.CultureInfo.InvariantCulture, Format, args), span);
}
