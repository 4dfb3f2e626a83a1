using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Axon.Generators.Diagnostics;

/// <summary>
/// Where a diagnostic's help page is. The package ships every page under <c>docs/diagnostics/</c> and its
/// targets set the build property <c>AxonHelpRoot</c> to that folder (a clone's Directory.Build.targets sets it
/// to the repository's <c>docs/diagnostics/</c>), so the IDE's help link opens the page for the version in use,
/// offline. A user who hosts the pages can set <c>AxonHelpRoot</c> to a web address instead.
/// </summary>
internal static class HelpLinks
{
    /// <summary>The MSBuild property, as the compiler passes it to generators.</summary>
    public const string Property = "build_property.AxonHelpRoot";

    /// <summary>
    /// The help root as a URI ending in '/', from <paramref name="options"/>; empty when unset or unusable.
    /// A folder path becomes a file URI (<c>/pkg/build/../docs/diagnostics/</c> → <c>file:///pkg/docs/diagnostics/</c>).
    /// </summary>
    public static string Root(AnalyzerConfigOptions options) =>
        options.TryGetValue(Property, out var value) ? Root(value) : "";

    /// <inheritdoc cref="Root(AnalyzerConfigOptions)"/>
    public static string Root(string? value)
    {
        value = value?.Trim();
        if (string.IsNullOrEmpty(value)) return "";
        if (!value!.EndsWith("/", StringComparison.Ordinal) && !value.EndsWith("\\", StringComparison.Ordinal)) value += "/";
        // An absolute path or URI; a relative one would resolve against whatever the compiler's directory is, so none.
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri.AbsoluteUri : "";
    }

    /// <summary><paramref name="descriptor"/> with its help link under <paramref name="root"/> (unchanged when the root is empty).</summary>
    public static DiagnosticDescriptor WithHelp(DiagnosticDescriptor descriptor, string root) =>
        root.Length == 0 ? descriptor : new DiagnosticDescriptor(descriptor.Id, descriptor.Title, descriptor.MessageFormat, descriptor.Category,
            descriptor.DefaultSeverity, descriptor.IsEnabledByDefault, descriptor.Description, root + descriptor.Id + ".md", descriptor.CustomTags is string[] tags ? tags : [.. descriptor.CustomTags]);
}
