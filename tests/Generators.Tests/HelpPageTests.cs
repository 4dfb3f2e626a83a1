using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Axon.Generators.Diagnostics;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>
/// The help pages in docs/diagnostics (shipped in the package) and every place that cites a diagnostic ID:
/// each page shows a wrong and a fixed declaration, and the generator agrees with both; no error's page advises
/// suppressing it; every AXNxxxx cited in source, XML docs and documents is in the catalogue.
/// </summary>
public sealed class HelpPageTests
{
    /// <summary>Not a generator diagnostic: the build error of src/Runtime/build/Axon.targets (generator missing).</summary>
    private const string BuildCheckId = "AXN0000";

    public static TheoryData<string> Ids => new(DiagnosticDescriptors.All.Select(d => d.Id));

    [Theory]
    [MemberData(nameof(Ids))]
    public void HelpPage_ShowsWrongAndFixedDeclarations_AndAdvisesNoSuppressionOfAnError(string id)
    {
        var descriptor = DiagnosticDescriptors.All.Single(d => d.Id == id);
        string page = File.ReadAllText(Path.Combine(DiagnosticTests.RepoRoot(), "docs", "diagnostics", id + ".md"));
        var (wrong, fixedCode) = (Block(page, "Wrong"), Block(page, "Fixed") ?? Block(page, "Right"));
        Assert.True(wrong is not null, $"{id}.md has no 'Wrong:' csharp block");
        Assert.True(fixedCode is not null, $"{id}.md has no 'Fixed:' (or 'Right:') csharp block");
        Assert.NotEqual(wrong, fixedCode);
        if (descriptor.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
            Assert.DoesNotContain("Suppress with `#pragma", page, StringComparison.Ordinal);

        // Whole declarations are compiled with the generator: the wrong one reports this ID, the fixed one compiles clean.
        if (wrong!.Contains("partial class", StringComparison.Ordinal) && fixedCode!.Contains("partial class", StringComparison.Ordinal))
        {
            var before = GeneratorHarness.Run("using Axon;\n" + wrong);
            Assert.Contains(before.AxonDiagnostics, d => d.Id == id);
            var after = GeneratorHarness.Run("using Axon;\n" + fixedCode);
            Assert.True(after.AxonDiagnostics.Count == 0 && after.CompilerErrors.Count == 0,
                $"{id}.md's fixed example still reports: {string.Join("; ", after.AxonDiagnostics.Concat(after.CompilerErrors))}");
        }
    }

    [Fact]
    public void EveryCitedDiagnosticId_IsInTheCatalogue()
    {
        var known = DiagnosticDescriptors.All.Select(d => d.Id).Append(BuildCheckId).ToHashSet(StringComparer.Ordinal);
        string root = DiagnosticTests.RepoRoot();
        var files = new[] { "src", "docs", "examples" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(root, dir), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".md", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(Path.Combine(root, "README.md"));
        var unknown = new List<string>();
        int cited = 0;
        foreach (string file in files)
        {
            foreach (Match match in Regex.Matches(File.ReadAllText(file), @"AXN\d{4}"))
            {
                cited++;
                if (!known.Contains(match.Value)) unknown.Add($"{Path.GetRelativePath(root, file)}: {match.Value}");
            }
        }
        Assert.True(cited > 100, $"only {cited} citations found: is the repository root right?");
        Assert.True(unknown.Count == 0, "IDs not in the catalogue: " + string.Join(", ", unknown));
    }

    [Theory]
    [InlineData("src/Dsl/Loss.cs", "No loss declared", "AXN0005")]
    [InlineData("src/Dsl/ModelAttribute.cs", "which is an error", "AXN0005")]
    [InlineData("src/Dsl/Activation.cs", "applies softmax itself", "AXN0201")]
    public void XmlDocs_CiteTheIdOfTheirMistake(string file, string sentence, string id)
    {
        string line = File.ReadLines(Path.Combine(DiagnosticTests.RepoRoot(), file)).Single(l => l.Contains(sentence, StringComparison.Ordinal));
        Assert.Contains(id, line, StringComparison.Ordinal);
    }

    /// <summary>The csharp block right after a line "<paramref name="label"/>:".</summary>
    private static string? Block(string page, string label)
    {
        var match = Regex.Match(page.Replace("\r\n", "\n", StringComparison.Ordinal), $@"(?m)^{label}:\n\n?```csharp\n(?<code>.*?)^```", RegexOptions.Singleline);
        return match.Success ? match.Groups["code"].Value : null;
    }
}
