using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Axon.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>
/// Layer attributes read from syntax (the parser's fast path, <see cref="SyntaxAttributes"/>) give exactly what
/// binding them gives: the parse of every snapshot model, every diagnostic case and a corpus of attribute forms is
/// the same both ways; the plain forms do take the fast path, and the forms whose meaning needs binding do not.
/// </summary>
public class SyntaxAttributeTests
{
    /// <summary>Runs the parser both ways on every model of the compilation.</summary>
    private sealed class BothWays : IIncrementalGenerator
    {
        public List<(ParseResult Syntax, ParseResult Bound)> Results { get; } = [];

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var pairs = context.SyntaxProvider.ForAttributeWithMetadataName("Axon.ModelAttribute",
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => (ModelParser.Parse(ctx, ct, readSyntax: true), ModelParser.Parse(ctx, ct, readSyntax: false)));
            context.RegisterSourceOutput(pairs, (_, pair) =>
            {
                lock (Results) Results.Add(pair);
            });
        }
    }

    private static int AssertSameBothWays(string source)
    {
        var generator = new BothWays();
        var driver = CSharpGeneratorDriver.Create([generator.AsSourceGenerator()], parseOptions: GeneratorHarness.ParseOptions);
        var result = driver.RunGenerators(GeneratorHarness.Compile(source)).GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        foreach (var (syntax, bound) in generator.Results)
            Assert.True(Equals(syntax, bound), $"reading attributes from syntax changed the parse of:\n{source}\nsyntax: {syntax}\nbound: {bound}");
        return generator.Results.Count;
    }

    [Fact]
    public void SnapshotModels_ParseTheSameFromSyntaxAsBound()
    {
        int models = SnapshotModels.All.Values.Sum(AssertSameBothWays);
        Assert.True(models >= SnapshotModels.All.Count, $"only {models} models parsed");
    }

    [Fact]
    public void DiagnosticCases_ParseTheSameFromSyntaxAsBound()
    {
        int models = 0;
        foreach (var c in DiagnosticTests.Cases())
            models += AssertSameBothWays("using Axon;\n" + ((string)c[1]).Replace("[|", "").Replace("|]", ""));
        Assert.True(models > 50, $"only {models} models parsed");
    }

    /// <summary>Attribute forms at the fast path's edges: constants it converts, and forms it must leave to binding.</summary>
    private static readonly string[] Forms =
    [
        "[Dense({0})]", "[Dense({0}, Activation.Relu)]", "[Dense({0}, Activation.LeakyRelu, NegativeSlope = 0.2f)]", "[Dense({0}, Bias = false, Init = Init.HeNormal)]",
        "[Dense(-{0})]", "[Dense({0}, (Activation)42)]", "[Dense(units: {0})]", "[Dense({0}, activation: Activation.Tanh)]", "[Dense(Size)]",
        "[Dense({0} * 2)]", "[Dense({0}L)]", "[Dense({0}, From = \"L0\")]", "[Dense({0}, From = nameof(L0))]", "[Dense({0}, From = null)]",
        "[DenseAttribute({0})]", "[Axon.Dense({0})]", "[global::Axon.Dense({0})]", "[property: Dense({0})]", "[Dense({0}), Obsolete]", "[Dense({0})][Flatten]",
        "[Dropout(0)]", "[Dropout(-0f)]", "[Dropout(0.5f)]", "[Dropout(0.5)]", "[Dropout(1e-3f)]", "[Dropout(float.NaN)]",
        "[BatchNorm(Momentum = 0.9f, Epsilon = 1)]", "[BatchNorm(Momentum = 0.9f, Momentum = 0.8f)]", "[LayerNorm(Epsilon = 0f)]",
        "[Conv2D({0}, 3, Activation.Relu, Stride = 2, Padding = Padding.Same)]", "[MaxPool2D(2)]", "[GlobalAveragePool]", "[Flatten]",
        "[Lstm({0}, ReturnSequences = true)]", "[Gru({0}, Bias = false)]", "[Conv1D({0}, 3, Dilation = 2)]", "[Add(\"L0\", \"L1\")]", "[Reshape(2, {0})]",
        "[Embedding(10, {0})]", "[Dense({0}, Activation.Nope)]", "[Dense({0}, Init.HeNormal)]",
    ];

    /// <summary>Class bodies' extras: names that change what an attribute's words mean.</summary>
    private static readonly string[] Extras =
    [
        "", "const int Size = 8;", "public int Activation => 0;", "public enum Activation { Relu = 7, Tanh = 9 }", "class DenseAttribute : System.Attribute { public DenseAttribute(int n) { } }",
        "class Dense { }", "static readonly int Size = 8;",
    ];

    [Fact]
    public void AttributeFormCorpus_ParsesTheSameFromSyntaxAsBound()
    {
        var rng = new Random(4321);
        int models = 0;
        for (int sample = 0; sample < 120; sample++)
        {
            var source = new StringBuilder(rng.Next(4) == 0 ? "using Axon;\nusing D = Axon.DenseAttribute;\nusing System;\n" : "using Axon;\nusing System;\n");
            source.Append("[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M\n{\n");
            source.AppendLine("    " + Extras[rng.Next(Extras.Length)]);
            int members = rng.Next(1, 5);
            for (int m = 0; m < members; m++)
                source.AppendLine("    " + string.Format(Forms[rng.Next(Forms.Length)], rng.Next(1, 9)) + $" public partial Layer L{m} {{ get; }}");
            source.AppendLine("    [D(3)] public partial Layer Last { get; }".Replace("[D(3)]", rng.Next(2) == 0 ? "[Dense(3)]" : "[D(3)]"));
            source.Append("}\n");
            models += AssertSameBothWays(source.ToString());
        }
        Assert.Equal(120, models);
    }

    private static AttributeReader? Read(string body, string member, string usings = "using Axon;\n")
    {
        var compilation = GeneratorHarness.Compile(usings + "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M\n{\n" + body + "\n}\n");
        var tree = compilation.SyntaxTrees.Single();
        var declaration = tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single(c => c.Identifier.ValueText == "M");
        var model = compilation.GetSemanticModel(tree);
        var type = model.GetDeclaredSymbol(declaration)!;
        return new SyntaxAttributes(model, declaration, CancellationToken.None).TryRead(type.GetMembers(member).Single(), out _);
    }

    [Theory]
    [InlineData("[Dense(64, Activation.Relu)] public partial Layer L { get; }", 64, "Relu")]
    [InlineData("[Dense(10)] public partial Layer L { get; }", 10, "Identity")]
    [InlineData("[Dense(-1, Activation.Tanh, Bias = false)] public partial Layer L { get; }", -1, "Tanh")]
    public void PlainDense_IsReadFromSyntax_WithTheBoundValues(string body, int units, string activation)
    {
        var reader = Read(body, "L");
        Assert.NotNull(reader);
        Assert.Equal(units, reader.Value.Positional(0, int.MinValue));
        Assert.Equal((int)Enum.Parse<Axon.Activation>(activation), reader.Value.Positional(1, -1));
        Assert.True(reader.Value.IsBound);
        if (body.Contains("Bias = false")) Assert.False(reader.Value.Named("Bias", true));
    }

    [Fact]
    public void DropoutOfAnInteger_IsConvertedToFloat_AsBindingDoes()
    {
        var reader = Read("[Dropout(0)] public partial Layer L { get; }", "L");
        Assert.NotNull(reader);
        Assert.Equal(0f, reader.Value.Positional(0, float.NaN));
    }

    [Theory]
    [InlineData("const int Size = 8; [Dense(Size)] public partial Layer L { get; }")]
    [InlineData("[Dense(units: 8)] public partial Layer L { get; }")]
    [InlineData("public int Activation => 0; [Dense(8, Activation.Relu)] public partial Layer L { get; }")]
    [InlineData("class Dense { } [Dense(8)] public partial Layer L { get; }")]
    [InlineData("[Dense(8), System.Obsolete] public partial Layer L { get; }")]
    [InlineData("[Axon.Dense(8)] public partial Layer L { get; }")]
    [InlineData("[Add(\"A\", \"B\")] public partial Layer L { get; }")]
    [InlineData("[Dropout(0.5)] public partial Layer L { get; }")]
    public void FormsWhoseMeaningNeedsBinding_AreLeftToBinding(string body)
    {
        Assert.Null(Read(body, "L"));
    }

    [Fact]
    public void AnAliasedAttributeName_IsLeftToBinding()
    {
        Assert.Null(Read("[D(8)] public partial Layer L { get; }", "L", "using Axon;\nusing D = Axon.DenseAttribute;\n"));
    }
}
