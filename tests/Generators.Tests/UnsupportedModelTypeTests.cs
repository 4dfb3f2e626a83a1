using System.Linq;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>
/// A generic, record or struct type with <c>[Model]</c> cannot be a model (AXN0008); its layer properties are still
/// implemented (throwing), so the user sees AXN0008 alone and not a CS9248 per layer (issue 11 item 8).
/// </summary>
public class UnsupportedModelTypeTests
{
    private const string Layers = "[Dense(3)] public partial Layer Hidden { get; } [Dense(1)] internal partial Layer @Output { get; }";

    [Theory]
    [InlineData("public partial class Net<T>")]
    [InlineData("public partial class Net<TKey, TValue> where TKey : notnull")]
    [InlineData("public partial record Net")]
    [InlineData("public partial record struct Net")]
    [InlineData("public partial struct Net")]
    [InlineData("namespace Demo.Models { public partial struct Net")]
    public void UnsupportedType_ReportsAxn0008Alone(string declaration)
    {
        bool inNamespace = declaration.StartsWith("namespace", System.StringComparison.Ordinal);
        string source = "using Axon;\n" + (inNamespace ? declaration.Substring(0, declaration.IndexOf('{') + 1) + "\n" : "")
            + "[Model(Loss = Loss.MeanSquaredError)][Input(4)]\n" + (inNamespace ? declaration.Substring(declaration.IndexOf('{') + 2) : declaration)
            + "\n{\n" + Layers + "\n}\n" + (inNamespace ? "}\n" : "");
        var result = GeneratorHarness.Run(source);
        Assert.Null(result.Run.Results.Single().Exception);
        Assert.Equal(["AXN0008"], result.AxonDiagnostics.Select(d => d.Id).Distinct());
        // A struct keeps the compiler's own CS0592 ([Model] is valid on classes only); nothing else may remain, above all
        // no CS9248 (a partial property without implementation) and nothing in generated code.
        var own = GeneratorHarness.Compile(source).GetDiagnostics()
            .Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error && d.Id != "CS9248").Select(d => d.Id).ToHashSet();
        var left = result.CompilerErrors.Where(d => !own.Contains(d.Id) || d.Location.SourceTree?.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal) == true).ToList();
        Assert.True(left.Count == 0, source + "\n" + string.Join("\n", left));
        Assert.DoesNotContain(result.CompilerErrors, d => d.Id == "CS9248");
    }
}
