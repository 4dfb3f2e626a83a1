using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>
/// The NetEscapades-style caching test: rerunning on a cloned compilation and after an unrelated
/// edit leaves every tracked step Cached or Unchanged, and no pipeline output holds a symbol,
/// syntax node or compilation (which would keep old compilations alive and defeat caching).
/// </summary>
public class IncrementalTests
{
    private const string Model = """
        using Axon;
        namespace Demo;
        [Model(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(784, Min = 0f, Max = 1f)]
        public partial class FashionMlp
        {
            [Dense(128, Activation.Relu)] public partial Layer Hidden { get; }
            [Dense(10)] public partial Layer Logits { get; }
        }
        """;

    private const string SmallBroken = """
        using Axon;
        [Model(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(4)]
        public partial class Broken { [Dense(0)] public partial Layer Hidden { get; } }
        """;

    /// <summary>Every snapshot model (by name) plus the two small ones above.</summary>
    public static TheoryData<string> Models
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in SnapshotModels.All.Keys) data.Add(name);
            data.Add(nameof(Model));
            data.Add(nameof(SmallBroken));   // not "Broken": a snapshot model has that name, and a duplicate theory row is skipped
            return data;
        }
    }

    private static string Source(string name) => name switch
    {
        nameof(Model) => Model,
        nameof(SmallBroken) => SmallBroken,
        _ => SnapshotModels.All[name],
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void ClonedCompilation_AndUnrelatedEdit_LeaveEveryStepCached(string model)
    {
        string source = Source(model);
        var compilation = GeneratorHarness.Compile(source, "class Unrelated { }");
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.Null(first.Exception);
        foreach (var name in TrackingNames.All)
            Assert.True(first.TrackedSteps.ContainsKey(name), $"step {name} is not tracked");

        AssertNoRoslynObjects(first);

        var clone = driver.RunGenerators(compilation.Clone());
        AssertAllCached(clone.GetRunResult().Results.Single());

        var unrelated = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(unrelated,
            CSharpSyntaxTree.ParseText("class Unrelated { int _x; }", GeneratorHarness.ParseOptions, unrelated.FilePath));
        AssertAllCached(driver.RunGenerators(edited).GetRunResult().Results.Single());
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void MovingTheModelDownAFile_ReparsesButEmitsNothingNew(string model)
    {
        string source = Source(model);
        var compilation = GeneratorHarness.Compile(source);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var moved = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText("// a comment\n" + source, GeneratorHarness.ParseOptions, tree.FilePath));
        var result = driver.RunGenerators(moved).GetRunResult().Results.Single();
        var emit = result.TrackedSteps[TrackingNames.Emit].SelectMany(s => s.Outputs).Select(o => o.Reason);
        Assert.All(emit, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Emit ran again: {r}"));
    }

    private static void AssertAllCached(GeneratorRunResult result)
    {
        foreach (var name in TrackingNames.All)
            foreach (var step in result.TrackedSteps[name])
                foreach (var (_, reason) in step.Outputs)
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {name}: {reason}");
    }

    private static void AssertNoRoslynObjects(GeneratorRunResult result)
    {
        foreach (var name in TrackingNames.All)
            foreach (var step in result.TrackedSteps[name])
                foreach (var (value, _) in step.Outputs)
                    Walk(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
    }

    private static void Walk(object? node, string path, HashSet<object> seen)
    {
        if (node is null || node is string || node.GetType().IsPrimitive || node.GetType().IsEnum) return;
        Assert.False(node is Compilation or ISymbol or SyntaxNode or SyntaxTree or SemanticModel or Location,
            $"{path} holds a {node.GetType().Name}");
        if (!node.GetType().IsValueType && !seen.Add(node)) return;
        if (node is IEnumerable items)
        {
            int i = 0;
            foreach (var item in items) Walk(item, $"{path}[{i++}]", seen);
            return;
        }
        if (node.GetType().Namespace?.StartsWith("Microsoft.CodeAnalysis.Text") == true) return;   // TextSpan and friends: plain values
        foreach (var field in node.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            Walk(field.GetValue(node), path + "." + field.Name, seen);
    }
}
