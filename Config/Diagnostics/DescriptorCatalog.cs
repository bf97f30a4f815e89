using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace KeepAlive.Config.Diagnostics;

/// <summary>Shared by the three descriptor catalogues (reading/structure, values, cross-object/host).</summary>
internal static class DescriptorCatalog
{
    public static DiagnosticDescriptor Define(string code, Severity severity, KeepalivedClass keepalived, string title, string format) =>
        new(code, severity, keepalived, format, title);

    /// <summary>The descriptors declared as public static fields of <paramref name="catalogue"/>.</summary>
    public static ImmutableArray<DiagnosticDescriptor> FieldsOf([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] Type catalogue) => catalogue
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToImmutableArray();
}
