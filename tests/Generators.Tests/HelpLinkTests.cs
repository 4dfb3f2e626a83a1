using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Axon.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>
/// A diagnostic's help link opens the page that ships with the version in use: the build property AxonHelpRoot
/// (set by the package's targets to its docs/diagnostics/, by a clone's Directory.Build.targets to the repository's)
/// becomes the link; without it there is no link rather than a dead one.
/// </summary>
public class HelpLinkTests
{
    [Theory]
    [InlineData("/pkg/axon/1.0.0/build/../docs/diagnostics/", "file:///pkg/axon/1.0.0/docs/diagnostics/")]
    [InlineData("/pkg/axon/1.0.0/docs/diagnostics", "file:///pkg/axon/1.0.0/docs/diagnostics/")]
    [InlineData("https://example.org/axon/diagnostics", "https://example.org/axon/diagnostics/")]
    [InlineData("docs/diagnostics/", "")]   // relative: it would resolve against the compiler's directory
    [InlineData("  ", "")]
    [InlineData(null, "")]
    public void Root_TurnsTheBuildPropertyIntoAnAbsoluteUriEndingInSlash(string? value, string expected) =>
        Assert.Equal(expected, HelpLinks.Root(value));

    [Fact]
    public void EveryReportedDiagnostic_LinksToItsHelpPage_UnderAxonHelpRoot()
    {
        string pages = Path.Combine(DiagnosticTests.RepoRoot(), "docs", "diagnostics") + Path.DirectorySeparatorChar;
        var reported = new HashSet<string>();
        foreach (var source in DiagnosticTests.Cases().Select(c => (string)c[1]).Distinct())
        {
            foreach (var diagnostic in Run("using Axon;\n" + source.Replace("[|", "").Replace("|]", ""), pages))
            {
                var link = new Uri(diagnostic.Descriptor.HelpLinkUri);
                Assert.True(link.IsFile, $"{diagnostic.Id}: {link}");
                Assert.Equal(diagnostic.Id + ".md", Path.GetFileName(link.LocalPath));
                Assert.True(File.Exists(link.LocalPath), $"{diagnostic.Id} links to {link.LocalPath}, which does not exist");
                // Only the link changes: the message, the severity and the location are the descriptor's.
                Assert.Equal(DiagnosticDescriptors.ById(diagnostic.Id).DefaultSeverity, diagnostic.Severity);
                reported.Add(diagnostic.Id);
            }
        }
        Assert.Equal(DiagnosticDescriptors.All.Select(d => d.Id).Distinct().OrderBy(id => id), reported.OrderBy(id => id));
    }

    [Fact]
    public void WithoutAxonHelpRoot_DiagnosticsCarryNoLink_NotADeadOne()
    {
        var diagnostic = Assert.Single(Run("using Axon;\n[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(-3)] public partial Layer H { get; } [Dense(1)] public partial Layer O { get; } }", null));
        Assert.Equal("AXN0101", diagnostic.Id);
        Assert.Equal("", diagnostic.Descriptor.HelpLinkUri);
    }

    private static IEnumerable<Diagnostic> Run(string source, string? helpRoot)
    {
        var options = new Options(helpRoot is null ? ImmutableDictionary<string, string>.Empty : ImmutableDictionary<string, string>.Empty.Add(HelpLinks.Property, helpRoot));
        var driver = CSharpGeneratorDriver.Create([new ModelGenerator().AsSourceGenerator()], parseOptions: GeneratorHarness.ParseOptions, optionsProvider: options);
        driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compile(source), out _, out var diagnostics);
        return diagnostics.Where(d => d.Id.StartsWith("AXN", StringComparison.Ordinal));
    }

    private sealed class Options(ImmutableDictionary<string, string> global) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(global);
        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values(ImmutableDictionary<string, string>.Empty);
        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Values(ImmutableDictionary<string, string>.Empty);
    }

    private sealed class Values(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
