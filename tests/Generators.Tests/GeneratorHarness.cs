using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Axon.Generators.Tests;

/// <summary>Drives the real generator over in-memory source, as the compiler does.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.Add(typeof(Axon.Layer).Assembly.Location);
        paths.Add(typeof(Axon.ModelAttribute).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    });

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create("Tests",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Model{i}.cs")),
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new ModelGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public sealed record Result(GeneratorDriverRunResult Run, Compilation Output, IReadOnlyList<Diagnostic> AxonDiagnostics, IReadOnlyList<Diagnostic> CompilerErrors);

    public static Result Run(params string[] sources)
    {
        var compilation = Compile(sources);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var run = driver.GetRunResult();
        var all = output.GetDiagnostics().Concat(generatorDiagnostics).ToList();
        return new Result(run, output,
            all.Where(d => d.Id.StartsWith("AXN", StringComparison.Ordinal)).ToList(),
            all.Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("AXN", StringComparison.Ordinal)).ToList());
    }
}
