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

/// <summary>
/// A model class without <c>partial</c> (AXN0001): its layer properties are implemented in a partial re-declaration, so
/// instead of CS0751 and CS9248 on every layer the compiler adds one CS0260 ("missing partial modifier"), on the very name
/// AXN0001 marks. C# reports CS0260 whatever a generator does (an analyzer cannot suppress an error), so this is the floor.
/// </summary>
public class NotPartialModelTests
{
    [Theory]
    [InlineData("public class Net", "[Dense(3)] public partial Layer Hidden { get; } [Dense(1)] internal partial Layer @Output { get; }")]
    [InlineData("internal sealed class Net", "[Dense(1)] public partial Layer Output { get; } public int Other { get; set; }")]
    public void NotPartial_WithLayers_ReportsAxn0001_AndOneCs0260OnTheSameName_NoErrorPerLayer(string declaration, string members)
    {
        string source = "using Axon;\nnamespace Demo;\n[Model(Loss = Loss.MeanSquaredError)][Input(4)]\n" + declaration + "\n{\n" + members + "\n}\n";
        var result = GeneratorHarness.Run(source);
        Assert.Null(result.Run.Results.Single().Exception);
        var axon = Assert.Single(result.AxonDiagnostics);
        Assert.Equal("AXN0001", axon.Id);
        var compiler = Assert.Single(result.CompilerErrors);
        Assert.Equal("CS0260", compiler.Id);
        Assert.Equal(axon.Location.SourceSpan, compiler.Location.SourceSpan);
        Assert.Equal("Model0.cs", compiler.Location.SourceTree!.FilePath);
    }

    [Fact]
    public void NotPartial_WithoutLayers_ReportsAxn0001Alone()
    {
        var result = GeneratorHarness.Run("using Axon;\n[Model(Loss = Loss.MeanSquaredError)][Input(4)] public class Net { }");
        Assert.Equal(["AXN0001"], result.AxonDiagnostics.Select(d => d.Id));
        Assert.Empty(result.CompilerErrors);
    }
}

/// <summary>
/// A model nested in a type that is not partial (AXN0009): the stub re-declares the containers as partial and implements
/// the layer properties, so instead of CS9248 on every layer the compiler adds one CS0260 on each container the user did
/// not declare partial (the name AXN0009 asks to change), and nothing in generated code.
/// </summary>
public class NestedInNonPartialTypeTests
{
    [Theory]
    [InlineData("public static class Zoo", "", "Zoo", "AXN0009")]
    [InlineData("internal sealed class Zoo", "", "Zoo", "AXN0009")]
    [InlineData("public class Zoo<T> where T : class", "", "Zoo", "AXN0008")]   // a class inside a generic type is generic
    [InlineData("public partial class Outer { public class Zoo", "}", "Zoo", "AXN0009")]
    [InlineData("public class Outer { public partial class Zoo", "}", "Outer", "AXN0009")]
    [InlineData("public struct Zoo", "", "Zoo", "AXN0009")]
    public void NestedInNonPartial_ReportsAxn0009_AndOneCs0260OnTheContainer_NoErrorPerLayer(string containers, string close, string notPartial, string id)
    {
        string source = "using Axon;\nnamespace Demo;\n" + containers + "\n{\n[Model(Loss = Loss.MeanSquaredError)][Input(4)]\npublic partial class Net\n{\n"
            + "[Dense(3)] public partial Layer Hidden { get; } [Dense(1)] internal partial Layer @Output { get; }\n}\n}\n" + close + "\n";
        var result = GeneratorHarness.Run(source);
        Assert.Null(result.Run.Results.Single().Exception);
        Assert.Equal([id], result.AxonDiagnostics.Select(d => d.Id));
        var compiler = Assert.Single(result.CompilerErrors);
        Assert.True(compiler.Id == "CS0260", source + "\n" + compiler);
        Assert.Equal("Model0.cs", compiler.Location.SourceTree!.FilePath);
        Assert.Contains($"'{notPartial}", compiler.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
