using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>
/// Valid or merely unusual C# around a model (issue 11 item 8): the generator never throws, and the code it emits
/// never adds a C# error or warning; where the declaration cannot be a model, the user sees one Axon diagnostic.
/// </summary>
public class OddDeclarationTests
{
    private const string Head = "using Axon;\n";
    private const string Layers = "[Dense(3)] public partial Layer Hidden { get; } [Dense(1)] public partial Layer Output { get; }";

    public static IEnumerable<object?[]> Cases() => new (string Name, string Source, string? Axon)[]
    {
        ("[Model] on both parts", $"[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M {{ {Layers} }} [Model(Loss = Loss.MeanSquaredError)] public partial class M {{ }}", null),
        ("member named @class", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(3)] public partial Layer @class { get; } [Dense(1)] public partial Layer @event { get; } }", null),
        ("class named @event", $"[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class @event {{ {Layers} }}", null),
        ("user field __core", $"[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M {{ {Layers} private int __core; }}", "AXN0104"),
        ("user method __Forward", $"[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M {{ {Layers} private void __Forward() {{ }} }}", "AXN0104"),
        ("primary constructor", $"[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M(int size) {{ {Layers} public int Size => size; }}", "AXN0012"),
        ("parameterless constructor", $"[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M {{ {Layers} public M() {{ }} }}", "AXN0012"),
        ("constructor chaining to the generated one", $"[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M {{ {Layers} public M(string name) : this(maxBatchSize: 8) {{ }} }}", null),
        ("static readonly argument", "public static class Sizes { public static readonly int Hidden = 3; } [Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(Sizes.Hidden)] public partial Layer Hidden { get; } [Dense(1)] public partial Layer Output { get; } }", null),
        ("file-local class", $"[Model(Loss = Loss.MeanSquaredError)][Input(4)] file partial class M {{ {Layers} }}", "AXN0008"),
        ("model inheriting a model", $"[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class A {{ {Layers} }} [Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class B : A {{ [Dense(2)] public partial Layer Other {{ get; }} }}", null),
    }.Select(c => new object?[] { c.Name, c.Source, c.Axon });

    [Theory]
    [MemberData(nameof(Cases))]
    public void OddDeclaration_GeneratedCodeAddsNoCSharpDiagnostic(string name, string source, string? expectedAxon)
    {
        var withoutGenerator = GeneratorHarness.Compile(Head + source).GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.Id).ToHashSet();
        var result = GeneratorHarness.Run(Head + source);
        Assert.True(result.Run.Results.Single().Exception is null, $"{name}: the generator threw {result.Run.Results.Single().Exception}");
        var added = result.Output.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.Id.StartsWith("AXN", StringComparison.Ordinal))
            .Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true || !withoutGenerator.Contains(d.Id))
            .ToList();
        Assert.True(added.Count == 0, $"{name}: generated code added\n{string.Join("\n", added)}");
        var axon = result.AxonDiagnostics.Select(d => d.Id).Distinct().ToList();
        if (expectedAxon is null) Assert.True(axon.Count == 0, $"{name}: unexpected {string.Join(", ", result.AxonDiagnostics)}");
        else Assert.Equal([expectedAxon], axon);
    }
}
