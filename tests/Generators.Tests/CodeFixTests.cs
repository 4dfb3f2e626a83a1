using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Axon.CodeFixes;
using Axon.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>
/// The IDE fixes, driven as the IDE drives them: the real generator reports a diagnostic on the
/// source; a workspace document is built from the same text and references; the diagnostic is
/// carried over to that document's tree by its span; the provider registers its actions; the
/// chosen action's operations are applied. The text after is compared with a literal, then the
/// generator runs again on it: the diagnostic must be gone and, but for the Flatten fix, the
/// model must compile with no Axon or C# error. Negative cases check that nothing is offered
/// when the code is not in the shape a fix was written for.
/// </summary>
public partial class CodeFixTests
{
    // ---------------------------------------------------------------- harness

    private sealed record Setup(Solution Solution, Document Document, Diagnostic Diagnostic);

    /// <summary>Runs the generator on <paramref name="sources"/> and carries its one <paramref name="id"/> diagnostic over to a workspace document.</summary>
    private static async Task<Setup> Prepare(string id, params string[] sources)
    {
        var reported = Assert.Single(GeneratorHarness.Run(sources).AxonDiagnostics, d => d.Id == id);
        Assert.True(reported.Location.IsInSource);
        var solution = Workspace(sources, out var documentIds);
        var document = documentIds.Select(solution.GetDocument).Single(d => d!.FilePath == reported.Location.SourceTree!.FilePath)!;
        var tree = (await document.GetSyntaxTreeAsync())!;
        var span = reported.Location.SourceSpan;
        Assert.Equal(reported.Location.SourceTree!.GetText().ToString(span), (await tree.GetTextAsync()).ToString(span));
        // Carried over with its properties: the size fixes read the size the generator inferred from them.
        return new Setup(solution, document, Diagnostic.Create(reported.Descriptor, Location.Create(tree, span), reported.Properties));
    }

    /// <summary>
    /// A diagnostic made by hand at the <c>[| |]</c> span of <paramref name="markup"/>: for the situations
    /// the generator would not report (or no longer will) but a stale or foreign diagnostic could point at.
    /// </summary>
    private static async Task<Setup> PrepareAt(string id, string markup)
    {
        int start = markup.IndexOf("[|", StringComparison.Ordinal);
        int end = markup.IndexOf("|]", StringComparison.Ordinal) - 2;
        string source = markup.Replace("[|", "").Replace("|]", "");
        var solution = Workspace([source], out var documentIds);
        var document = solution.GetDocument(documentIds[0])!;
        var tree = (await document.GetSyntaxTreeAsync())!;
        return new Setup(solution, document, Diagnostic.Create(DiagnosticDescriptors.ById(id), Location.Create(tree, TextSpan.FromBounds(start, end))));
    }

    private static Solution Workspace(string[] sources, out DocumentId[] documentIds)
    {
        var compilation = GeneratorHarness.Compile(sources);
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Create(), "Tests", "Tests", LanguageNames.CSharp,
            compilationOptions: compilation.Options, parseOptions: GeneratorHarness.ParseOptions, metadataReferences: compilation.References));
        var solution = project.Solution;
        documentIds = new DocumentId[sources.Length];
        for (int i = 0; i < sources.Length; i++)
        {
            documentIds[i] = DocumentId.CreateNewId(project.Id);
            solution = solution.AddDocument(documentIds[i], $"Model{i}.cs", SourceText.From(sources[i]), filePath: $"Model{i}.cs");
        }
        return solution;
    }

    private static async Task<List<CodeAction>> Actions(CodeFixProvider provider, Setup setup)
    {
        Assert.Contains(setup.Diagnostic.Id, provider.FixableDiagnosticIds);
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(setup.Document, setup.Diagnostic, (action, diagnostics) =>
        {
            Assert.Equal(setup.Diagnostic, Assert.Single(diagnostics));
            actions.Add(action);
        }, CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context);
        return actions;
    }

    /// <summary>Applies <paramref name="action"/>'s operations and returns every document's text, in source order.</summary>
    private static async Task<string[]> Apply(CodeAction action, Setup setup)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var changed = Assert.IsType<ApplyChangesOperation>(Assert.Single(operations)).ChangedSolution;
        var texts = new List<string>();
        foreach (var id in setup.Solution.Projects.Single().DocumentIds)
            texts.Add((await changed.GetDocument(id)!.GetTextAsync()).ToString());
        return [.. texts];
    }

    /// <summary>The fix <paramref name="title"/> for the generator's <paramref name="id"/> turns <paramref name="before"/> into <paramref name="after"/>.</summary>
    private static Task AssertFix(CodeFixProvider provider, string id, string title, string key, string before, string after) =>
        AssertFix(provider, id, title, key, [before], [after], compiles: true);

    private static async Task AssertFix(CodeFixProvider provider, string id, string title, string key, string[] before, string[] after, bool compiles)
    {
        var setup = await Prepare(id, before);
        var actions = await Actions(provider, setup);
        var action = Assert.Single(actions, a => a.Title == title);
        Assert.Equal(key, action.EquivalenceKey);
        string[] fixedText = await Apply(action, setup);
        Assert.Equal(after, fixedText);

        var result = GeneratorHarness.Run(fixedText);
        Assert.Null(result.Run.Results.Single().Exception);
        if (compiles || GeneratorKnowsFlatten.Value)
            Assert.DoesNotContain(result.AxonDiagnostics, d => d.Id == id);
        if (compiles)
        {
            var errors = result.AxonDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, "errors after the fix: " + string.Join("; ", errors));
            Assert.Empty(result.CompilerErrors);
        }
    }

    private static async Task AssertTitles(CodeFixProvider provider, Setup setup, params string[] titles) =>
        Assert.Equal(titles, (await Actions(provider, setup)).Select(a => a.Title));

    /// <summary>
    /// Whether this generator builds Flatten layers yet. Until it does, a Dense after [Flatten] still
    /// reads [C, H, W] and AXN0205 stays; from then on the Flatten fix must also make AXN0205 go.
    /// </summary>
    private static readonly Lazy<bool> GeneratorKnowsFlatten = new(() => !GeneratorHarness.Run("""
        using Axon;
        [Model(Loss = Loss.MeanSquaredError)][Input(1, 2, 2)]
        public partial class Probe { [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }
        """).AxonDiagnostics.Any(d => d.Id == "AXN0205"));

    private sealed class FixedDiagnostics(IEnumerable<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) => Task.FromResult(diagnostics);
        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult(Enumerable.Empty<Diagnostic>());
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult(diagnostics);
    }

    /// <summary>Fix all in document: every <paramref name="id"/> the generator reports in <paramref name="before"/>, in one action.</summary>
    private static async Task AssertFixAll(CodeFixProvider provider, string id, string key, string before, string after)
    {
        var reported = GeneratorHarness.Run(before).AxonDiagnostics.Where(d => d.Id == id).ToList();
        Assert.True(reported.Count >= 2, "fix all needs several diagnostics");
        var solution = Workspace([before], out var ids);
        var document = solution.GetDocument(ids[0])!;
        var tree = (await document.GetSyntaxTreeAsync())!;
        var diagnostics = reported.Select(d => Diagnostic.Create(d.Descriptor, Location.Create(tree, d.Location.SourceSpan), d.Properties)).ToList();
        var context = new FixAllContext(document, provider, FixAllScope.Document, key, [id], new FixedDiagnostics(diagnostics), CancellationToken.None);
        var action = await provider.GetFixAllProvider()!.GetFixAsync(context);
        Assert.NotNull(action);
        string[] fixedText = await Apply(action, new Setup(solution, document, diagnostics[0]));
        Assert.Equal(after, Assert.Single(fixedText));
        var result = GeneratorHarness.Run(fixedText);
        Assert.Empty(result.AxonDiagnostics);
        Assert.Empty(result.CompilerErrors);
    }

    // ---------------------------------------------------------------- the providers as a set

    private static readonly Type[] Providers = typeof(MakePartialCodeFixProvider).Assembly.GetTypes()
        .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract).OrderBy(t => t.Name).ToArray();

    [Fact]
    public void EveryProvider_IsExportedForCSharp_SharedAndBatchFixable()
    {
        Assert.Equal(10, Providers.Length);
        foreach (var type in Providers)
        {
            var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>();
            Assert.NotNull(export);
            Assert.Equal([LanguageNames.CSharp], export.Languages);
            Assert.Equal(type.Name, export.Name);
            Assert.NotNull(type.GetCustomAttribute<System.Composition.SharedAttribute>());
            var provider = (CodeFixProvider)Activator.CreateInstance(type)!;
            Assert.Same(WellKnownFixAllProviders.BatchFixer, provider.GetFixAllProvider());
            Assert.NotEmpty(provider.FixableDiagnosticIds);
        }
    }

    [Fact]
    public void FixableIds_AreCatalogued_AndTheirHelpPagesSayTheIdeFixesThem()
    {
        var fixable = Providers.SelectMany(t => ((CodeFixProvider)Activator.CreateInstance(t)!).FixableDiagnosticIds).ToList();
        Assert.Equal(fixable.Count, fixable.Distinct().Count());
        Assert.Equal(["AXN0001", "AXN0009", "AXN0102", "AXN0107", "AXN0109", "AXN0140", "AXN0201", "AXN0202", "AXN0203", "AXN0204", "AXN0205", "AXN0208", "AXN0303", "AXN0403"], fixable.Order());
        foreach (var descriptor in DiagnosticDescriptors.All)
        {
            string page = File.ReadAllText(Path.Combine(DiagnosticTests.RepoRoot(), "docs", "diagnostics", descriptor.Id + ".md"));
            bool documented = page.Contains("\n## Fix\n", StringComparison.Ordinal) && page.Contains("IDE", StringComparison.Ordinal);
            Assert.True(fixable.Contains(descriptor.Id) == documented, $"{descriptor.Id}: a '## Fix' section exactly when the IDE offers a fix");
        }
    }

    // ---------------------------------------------------------------- AXN0001: model class not partial

    private const string IrisBody = """
        {
            [Dense(8, Activation.Relu)] public partial Layer Hidden { get; }
            [Dense(3)] public partial Layer Logits { get; }
        }
        """;

    private static string Iris(string declaration) => $"""
        using Axon;

        namespace Demo;

        /// <summary>Iris classifier.</summary>
        [Model(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(4)]
        {declaration}
        {IrisBody}

        """;

    [Theory]
    [InlineData("public class Iris", "public partial class Iris")]
    [InlineData("public sealed class Iris", "public sealed partial class Iris")]
    [InlineData("class Iris", "partial class Iris")]
    [InlineData("internal /* keep me */ sealed class Iris // and me", "internal /* keep me */ sealed partial class Iris // and me")]
    [InlineData("public\nclass Iris", "public\npartial class Iris")]
    public Task ModelNotPartial_AddsPartialBeforeClass(string before, string after) =>
        AssertFix(new MakePartialCodeFixProvider(), "AXN0001", "Make 'Iris' partial", MakePartialCodeFixProvider.ModelKey, Iris(before), Iris(after));

    [Fact]
    public Task ModelNotPartial_OnOneLine_KeepsTheAttributesSpacing() =>
        AssertFix(new MakePartialCodeFixProvider(), "AXN0001", "Make 'M' partial", MakePartialCodeFixProvider.ModelKey,
            "using Axon;\n[Model(Loss = Loss.MeanSquaredError)][Input(2)] class M { [Dense(1)] public partial Layer O { get; } }\n",
            "using Axon;\n[Model(Loss = Loss.MeanSquaredError)][Input(2)] partial class M { [Dense(1)] public partial Layer O { get; } }\n");

    [Fact]
    public Task ModelNotPartial_FixAll_FixesEveryModelInTheDocument() =>
        AssertFixAll(new MakePartialCodeFixProvider(), "AXN0001", MakePartialCodeFixProvider.ModelKey, """
            using Axon;

            [Model(Loss = Loss.MeanSquaredError)][Input(2)]
            public class A { [Dense(1)] public partial Layer O { get; } }

            [Model(Loss = Loss.MeanSquaredError)][Input(3)]
            internal sealed class B { [Dense(1)] public partial Layer O { get; } }

            """, """
            using Axon;

            [Model(Loss = Loss.MeanSquaredError)][Input(2)]
            public partial class A { [Dense(1)] public partial Layer O { get; } }

            [Model(Loss = Loss.MeanSquaredError)][Input(3)]
            internal sealed partial class B { [Dense(1)] public partial Layer O { get; } }

            """);

    [Fact]
    public async Task ModelNotPartial_NoFix_WhenNotOnANonPartialTypeName()
    {
        var provider = new MakePartialCodeFixProvider();
        await AssertTitles(provider, await PrepareAt("AXN0001",
            "using Axon;\n[Model(Loss = Loss.MeanSquaredError)][Input(2)] public partial class [|M|] { [Dense(1)] public partial Layer O { get; } }\n"));
        await AssertTitles(provider, await PrepareAt("AXN0001",
            "using Axon;\n[[|Model|](Loss = Loss.MeanSquaredError)][Input(2)] public class M { [Dense(1)] public partial Layer O { get; } }\n"));
    }

    // ---------------------------------------------------------------- AXN0009: containing type not partial

    [Fact]
    public Task ContainingTypeNotPartial_AddsPartialToEveryContainer() =>
        AssertFix(new MakePartialCodeFixProvider(), "AXN0009", "Make 'Models', 'Zoo' partial", MakePartialCodeFixProvider.ContainingTypesKey, """
            using Axon;

            namespace Demo;

            public static class Models
            {
                internal sealed class Zoo
                {
                    [Model(Loss = Loss.MeanSquaredError)]
                    [Input(4)]
                    public partial class Regressor
                    {
                        [Dense(1)] public partial Layer Output { get; }
                    }
                }
            }

            """, """
            using Axon;

            namespace Demo;

            public static partial class Models
            {
                internal sealed partial class Zoo
                {
                    [Model(Loss = Loss.MeanSquaredError)]
                    [Input(4)]
                    public partial class Regressor
                    {
                        [Dense(1)] public partial Layer Output { get; }
                    }
                }
            }

            """);

    [Fact]
    public Task ContainingTypeNotPartial_LeavesPartialContainersAlone() =>
        AssertFix(new MakePartialCodeFixProvider(), "AXN0009", "Make 'Middle' partial", MakePartialCodeFixProvider.ContainingTypesKey, """
            using Axon;

            public partial class Outer
            {
                class Middle
                {
                    [Model(Loss = Loss.MeanSquaredError)][Input(4)]
                    public partial class M { [Dense(1)] public partial Layer O { get; } }
                }
            }

            """, """
            using Axon;

            public partial class Outer
            {
                partial class Middle
                {
                    [Model(Loss = Loss.MeanSquaredError)][Input(4)]
                    public partial class M { [Dense(1)] public partial Layer O { get; } }
                }
            }

            """);

    [Fact]
    public Task ContainingTypeNotPartial_FixAll_TwoModelsInOneContainer_AddsPartialOnce() =>
        AssertFixAll(new MakePartialCodeFixProvider(), "AXN0009", MakePartialCodeFixProvider.ContainingTypesKey, """
            using Axon;

            public class Models
            {
                [Model(Loss = Loss.MeanSquaredError)][Input(2)] public partial class A { [Dense(1)] public partial Layer O { get; } }
                [Model(Loss = Loss.MeanSquaredError)][Input(3)] public partial class B { [Dense(1)] public partial Layer O { get; } }
            }

            """, """
            using Axon;

            public partial class Models
            {
                [Model(Loss = Loss.MeanSquaredError)][Input(2)] public partial class A { [Dense(1)] public partial Layer O { get; } }
                [Model(Loss = Loss.MeanSquaredError)][Input(3)] public partial class B { [Dense(1)] public partial Layer O { get; } }
            }

            """);

    [Fact]
    public async Task ContainingTypeNotPartial_NoFix_WhenEveryContainerIsPartial() =>
        await AssertTitles(new MakePartialCodeFixProvider(), await PrepareAt("AXN0009",
            "using Axon;\npublic partial class Outer { [Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class [|M|] { [Dense(1)] public partial Layer O { get; } } }\n"));

    // ---------------------------------------------------------------- AXN0201 / AXN0202: activation the loss applies

    private static string Classifier(string loss, string output) => $$"""
        using Axon;

        namespace Demo;

        [Model(Loss = Loss.{{loss}})]
        [Input(4)]
        public partial class Classifier
        {
            [Dense(16, Activation.Relu)] public partial Layer Hidden { get; }
        {{output}}
        }

        """;

    [Theory]
    [InlineData("    [Dense(10, Activation.Softmax)] public partial Layer Logits { get; }", "    [Dense(10)] public partial Layer Logits { get; }")]
    [InlineData("    [Dense(10, activation: Activation.Softmax)] public partial Layer Logits { get; }", "    [Dense(10)] public partial Layer Logits { get; }")]
    [InlineData("    [Dense(activation: Activation.Softmax, units: 10)] public partial Layer Logits { get; }", "    [Dense(units: 10)] public partial Layer Logits { get; }")]
    [InlineData("    [Dense(10, Activation.Softmax, Init = Init.GlorotUniform)] public partial Layer Logits { get; }", "    [Dense(10, Init = Init.GlorotUniform)] public partial Layer Logits { get; }")]
    [InlineData("    [Dense(10, (Activation)6)] public partial Layer Logits { get; }", "    [Dense(10)] public partial Layer Logits { get; }")]
    [InlineData("    [Dense(\n        10,\n        Activation.Softmax)]\n    public partial Layer Logits { get; }", "    [Dense(\n        10)]\n    public partial Layer Logits { get; }")]
    public Task DoubleSoftmax_RemovesTheActivation(string before, string after) =>
        AssertFix(new RemoveActivationCodeFixProvider(), "AXN0201", "Remove Softmax: SoftmaxCrossEntropy applies it", RemoveActivationCodeFixProvider.SoftmaxKey,
            Classifier("SoftmaxCrossEntropy", before), Classifier("SoftmaxCrossEntropy", after));

    [Theory]
    [InlineData("    [Dense(1, Activation.Sigmoid)] public partial Layer Score { get; }", "    [Dense(1)] public partial Layer Score { get; }")]
    [InlineData("    [Dense(activation: Activation.Sigmoid, units: 1, Bias = false)] public partial Layer Score { get; }", "    [Dense(units: 1, Bias = false)] public partial Layer Score { get; }")]
    public Task DoubleSigmoid_RemovesTheActivation(string before, string after) =>
        AssertFix(new RemoveActivationCodeFixProvider(), "AXN0202", "Remove Sigmoid: BinaryCrossEntropy applies it", RemoveActivationCodeFixProvider.SigmoidKey,
            Classifier("BinaryCrossEntropy", before), Classifier("BinaryCrossEntropy", after));

    [Theory]
    [InlineData("AXN0201", "[[|Dense|](10)]")]                          // no activation argument at all
    [InlineData("AXN0201", "[Dense([|10|])]")]                          // the units, not the activation
    [InlineData("AXN0201", "[Dense(10, [|Activation.Relu|])]")]         // an activation the loss does not apply
    [InlineData("AXN0202", "[Dense(10, [|Activation.Softmax|])]")]      // the other loss's activation
    [InlineData("AXN0201", "[Dense(10, Activation.Softmax, [|Init = Init.HeNormal|])]")]
    [InlineData("AXN0201", "[Dense([|10, Activation.Softmax|])]")]      // more than the argument
    public async Task RemoveActivation_NoFix_WhenTheSpanIsNotThatActivation(string id, string output) =>
        await AssertTitles(new RemoveActivationCodeFixProvider(), await PrepareAt(id, Classifier("SoftmaxCrossEntropy", "    " + output + " public partial Layer Logits { get; }")));

    // ---------------------------------------------------------------- AXN0203 / AXN0204: output size against the loss

    private const string SetUnitsTo1 = "Set units to 1: BinaryCrossEntropy expects one output";
    private const string UseSoftmaxLoss = "Use Loss.SoftmaxCrossEntropy: one class per unit";
    private const string UseBinaryLoss = "Use Loss.BinaryCrossEntropy: a yes/no output";
    private const string SetUnitsTo2 = "Set units to 2: one per class, as SoftmaxCrossEntropy expects";

    [Theory]
    [InlineData("    [Dense(10)] public partial Layer Logits { get; }", "    [Dense(1)] public partial Layer Logits { get; }")]
    [InlineData("    [Dense(units: 10, Init = Init.GlorotUniform)] public partial Layer Logits { get; }", "    [Dense(units: 1, Init = Init.GlorotUniform)] public partial Layer Logits { get; }")]
    [InlineData("    [Dense(10, Activation.Tanh)] public partial Layer Logits { get; }", "    [Dense(1, Activation.Tanh)] public partial Layer Logits { get; }")]
    public Task BinaryCrossEntropyUnits_SetsUnitsTo1(string before, string after) =>
        AssertFix(new OutputUnitsCodeFixProvider(), "AXN0203", SetUnitsTo1, OutputUnitsCodeFixProvider.OneUnitKey,
            Classifier("BinaryCrossEntropy", before), Classifier("BinaryCrossEntropy", after));

    [Fact]
    public Task BinaryCrossEntropyUnits_OrUsesSoftmaxCrossEntropy() =>
        AssertFix(new OutputUnitsCodeFixProvider(), "AXN0203", UseSoftmaxLoss, OutputUnitsCodeFixProvider.SoftmaxLossKey,
            Classifier("BinaryCrossEntropy", "    [Dense(10)] public partial Layer Logits { get; }"),
            Classifier("SoftmaxCrossEntropy", "    [Dense(10)] public partial Layer Logits { get; }"));

    [Fact]
    public async Task BinaryCrossEntropyUnits_OffersBoth_UnitsFirst() =>
        await AssertTitles(new OutputUnitsCodeFixProvider(),
            await Prepare("AXN0203", Classifier("BinaryCrossEntropy", "    [Dense(10)] public partial Layer Logits { get; }")),
            SetUnitsTo1, UseSoftmaxLoss);

    [Fact]
    public async Task BinaryCrossEntropyUnits_KeepsTheLoss_WhenTheOutputHasItsSigmoid() =>
        // Sigmoid belongs to binary cross-entropy (AXN0202 has its own fix); softmax over sigmoids is not what was meant.
        await AssertTitles(new OutputUnitsCodeFixProvider(),
            await Prepare("AXN0203", Classifier("BinaryCrossEntropy", "    [Dense(10, Activation.Sigmoid)] public partial Layer Logits { get; }")),
            SetUnitsTo1);

    [Fact]
    public Task BinaryCrossEntropyUnits_KeepsTheLossQualification() =>
        AssertFix(new OutputUnitsCodeFixProvider(), "AXN0203", UseSoftmaxLoss, OutputUnitsCodeFixProvider.SoftmaxLossKey,
            "[Axon.Model(Loss = Axon.Loss.BinaryCrossEntropy)][Axon.Input(4)] public partial class M { [Axon.Dense(3)] public partial Axon.Layer O { get; } }\n",
            "[Axon.Model(Loss = Axon.Loss.SoftmaxCrossEntropy)][Axon.Input(4)] public partial class M { [Axon.Dense(3)] public partial Axon.Layer O { get; } }\n");

    [Fact]
    public Task SoftmaxCrossEntropyUnits_UsesBinaryCrossEntropy() =>
        AssertFix(new OutputUnitsCodeFixProvider(), "AXN0204", UseBinaryLoss, OutputUnitsCodeFixProvider.BinaryLossKey,
            Classifier("SoftmaxCrossEntropy", "    [Dense(1)] public partial Layer Score { get; }"),
            Classifier("BinaryCrossEntropy", "    [Dense(1)] public partial Layer Score { get; }"));

    [Fact]
    public Task SoftmaxCrossEntropyUnits_OrSetsUnitsTo2() =>
        AssertFix(new OutputUnitsCodeFixProvider(), "AXN0204", SetUnitsTo2, OutputUnitsCodeFixProvider.TwoUnitsKey,
            Classifier("SoftmaxCrossEntropy", "    [Dense(units: 1)] public partial Layer Score { get; }"),
            Classifier("SoftmaxCrossEntropy", "    [Dense(units: 2)] public partial Layer Score { get; }"));

    [Fact]
    public async Task SoftmaxCrossEntropyUnits_OffersBoth_LossFirst() =>
        await AssertTitles(new OutputUnitsCodeFixProvider(),
            await Prepare("AXN0204", Classifier("SoftmaxCrossEntropy", "    [Dense(1)] public partial Layer Score { get; }")),
            UseBinaryLoss, SetUnitsTo2);

    [Fact]
    public Task SoftmaxCrossEntropyUnits_ChangesTheLossInTheFileThatDeclaresIt() =>
        AssertFix(new OutputUnitsCodeFixProvider(), "AXN0204", UseBinaryLoss, OutputUnitsCodeFixProvider.BinaryLossKey,
            [
                "using Axon;\n\n[Model(Loss = Loss.SoftmaxCrossEntropy)]\n[Input(4)]\npublic partial class Spam { }\n",
                "using Axon;\n\npublic partial class Spam\n{\n    [Dense(1)] public partial Layer Score { get; }\n}\n",
            ],
            [
                "using Axon;\n\n[Model(Loss = Loss.BinaryCrossEntropy)]\n[Input(4)]\npublic partial class Spam { }\n",
                "using Axon;\n\npublic partial class Spam\n{\n    [Dense(1)] public partial Layer Score { get; }\n}\n",
            ],
            compiles: true);

    [Theory]
    [InlineData("    [Dense(1, Activation.Softmax)] public partial Layer Score { get; }")]   // AXN0201 too: the softmax belongs to this loss
    [InlineData("    [Dense(1, Activation.Sigmoid)] public partial Layer Score { get; }")]   // binary cross-entropy would then be AXN0202
    public async Task SoftmaxCrossEntropyUnits_KeepsTheLoss_WhenTheOutputHasALossActivation(string output) =>
        await AssertTitles(new OutputUnitsCodeFixProvider(), await Prepare("AXN0204", Classifier("SoftmaxCrossEntropy", output)), SetUnitsTo2);

    [Fact]
    public async Task SoftmaxCrossEntropyUnits_KeepsTheLoss_WhenItIsNotWrittenAsLossMember() =>
        await AssertTitles(new OutputUnitsCodeFixProvider(), await Prepare("AXN0204", """
            using Axon;

            [Model(Loss = Spam.TheLoss)][Input(4)]
            public partial class Spam
            {
                public const Loss TheLoss = Loss.SoftmaxCrossEntropy;
                [Dense(1)] public partial Layer Score { get; }
            }

            """), SetUnitsTo2);

    [Theory]
    [InlineData("AXN0203", "    [[|Dense|](10)] public partial Layer O { get; }")]         // not the units argument
    [InlineData("AXN0203", "    [Dense(10, [|Activation.Relu|])] public partial Layer O { get; }")]
    [InlineData("AXN0203", "    [Dense([|1|])] public partial Layer O { get; }")]          // already one unit
    [InlineData("AXN0204", "    [Dense([|3|])] public partial Layer O { get; }")]          // already several
    public async Task OutputUnits_NoFix_WhenTheSpanIsNotTheOffendingUnits(string id, string output) =>
        await AssertTitles(new OutputUnitsCodeFixProvider(), await PrepareAt(id, Classifier(id == "AXN0203" ? "BinaryCrossEntropy" : "SoftmaxCrossEntropy", output)));

    // ---------------------------------------------------------------- AXN0205: Dense fed [C, H, W]

    [Fact]
    public Task DenseNeedsFeatures_InsertsFlatten_AboveTheDenseMembersComments() =>
        AssertFix(new InsertFlattenCodeFixProvider(), "AXN0205", "Insert a Flatten layer 'Flatten' before 'Logits'", InsertFlattenCodeFixProvider.Key, [
            """
            using Axon;

            namespace Demo;

            [Model(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(1, 28, 28)]
            public partial class Digits
            {
                [Conv2D(8, 3, Activation.Relu)] public partial Layer Conv { get; }
                /// <summary>Class scores.</summary>
                [Dense(10)] public partial Layer Logits { get; }
            }

            """], [
            """
            using Axon;

            namespace Demo;

            [Model(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(1, 28, 28)]
            public partial class Digits
            {
                [Conv2D(8, 3, Activation.Relu)] public partial Layer Conv { get; }
                [Flatten] public partial Layer Flatten { get; }
                /// <summary>Class scores.</summary>
                [Dense(10)] public partial Layer Logits { get; }
            }

            """], compiles: false);

    [Fact]
    public Task DenseNeedsFeatures_InsertsFlatten_BelowABlankLine_WithAFreshName() =>
        AssertFix(new InsertFlattenCodeFixProvider(), "AXN0205", "Insert a Flatten layer 'Flatten3' before 'Logits'", InsertFlattenCodeFixProvider.Key, [
            """
            using Axon;

            public class Base { protected int Flatten2; }

            [Model(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(3, 8, 8)]
            public partial class Digits : Base
            {
                private const int flatten = 1;

                [Dense(10)]
                internal partial Layer Logits { get; }
            }

            """], [
            """
            using Axon;

            public class Base { protected int Flatten2; }

            [Model(Loss = Loss.SoftmaxCrossEntropy)]
            [Input(3, 8, 8)]
            public partial class Digits : Base
            {
                private const int flatten = 1;

                [Flatten] internal partial Layer Flatten3 { get; }
                [Dense(10)]
                internal partial Layer Logits { get; }
            }

            """], compiles: false);

    [Fact]
    public Task DenseNeedsFeatures_InsertsFlatten_OnTheSameLine_InAOneLineClass() =>
        AssertFix(new InsertFlattenCodeFixProvider(), "AXN0205", "Insert a Flatten layer 'Flatten' before 'O'", InsertFlattenCodeFixProvider.Key,
            ["using Axon;\n[Model(Loss = Loss.MeanSquaredError)][Input(1, 28, 28)] public partial class M { [Dense(10)] public partial Layer O { get; } }\n"],
            ["using Axon;\n[Model(Loss = Loss.MeanSquaredError)][Input(1, 28, 28)] public partial class M { [Flatten] public partial Layer Flatten { get; } [Dense(10)] public partial Layer O { get; } }\n"],
            compiles: false);

    [Fact]
    public Task DenseNeedsFeatures_FollowsTheFilesLineEndingsAndQualification() =>
        AssertFix(new InsertFlattenCodeFixProvider(), "AXN0205", "Insert a Flatten layer 'Flatten' before 'Out'", InsertFlattenCodeFixProvider.Key,
            ["namespace Demo\r\n{\r\n    [Axon.Model(Loss = Axon.Loss.MeanSquaredError)]\r\n    [Axon.Input(3, 8, 8)]\r\n    internal partial class Small\r\n    {\r\n        [Axon.DenseAttribute(units: 1)]\r\n        public partial Axon.Layer Out { get; }\r\n    }\r\n}\r\n"],
            ["namespace Demo\r\n{\r\n    [Axon.Model(Loss = Axon.Loss.MeanSquaredError)]\r\n    [Axon.Input(3, 8, 8)]\r\n    internal partial class Small\r\n    {\r\n        [Axon.FlattenAttribute] public partial Axon.Layer Flatten { get; }\r\n        [Axon.DenseAttribute(units: 1)]\r\n        public partial Axon.Layer Out { get; }\r\n    }\r\n}\r\n"],
            compiles: false);

    [Theory]
    [InlineData("    [Flatten] public partial Layer Flatten { get; }\n    [Dense([|10|])] public partial Layer O { get; }")]   // already flattened: the generator's business, not a missing layer
    [InlineData("    [[|Dense|](10)] public partial Layer O { get; }")]                                                    // not the units argument
    [InlineData("    [Dense(10, [|Activation.Relu|])] public partial Layer O { get; }")]
    public async Task DenseNeedsFeatures_NoFix_WhenNotADenseUnitsArgumentOrAlreadyFlattened(string members) =>
        await AssertTitles(new InsertFlattenCodeFixProvider(), await PrepareAt("AXN0205",
            "using Axon;\n[Model(Loss = Loss.MeanSquaredError)][Input(1, 28, 28)]\npublic partial class M\n{\n" + members + "\n}\n"));

    // ---------------------------------------------------------------- AXN0109: misspelled member name

    private static string Graph(string reader) => $$"""
        using Axon;

        [Model(Loss = Loss.MeanSquaredError)]
        [Input(4)]
        public partial class Regressor
        {
            [Dense(8)] public partial Layer Hidden { get; }
            [Dense(8)] public partial Layer Other { get; }
            {{reader}}
        }

        """;

    [Theory]
    [InlineData("[Dense(1, From = \"Hiden\")] public partial Layer Output { get; }", "[Dense(1, From = nameof(Hidden))] public partial Layer Output { get; }", "Hidden")]
    [InlineData("[Dense(1, From = \"hidden\")] public partial Layer Output { get; }", "[Dense(1, From = nameof(Hidden))] public partial Layer Output { get; }", "Hidden")]
    [InlineData("[Add(nameof(Hidden), \"Ohter\")] public partial Layer Sum { get; }\n    [Dense(1)] public partial Layer Output { get; }", "[Add(nameof(Hidden), nameof(Other))] public partial Layer Sum { get; }\n    [Dense(1)] public partial Layer Output { get; }", "Other")]
    public Task UnknownReference_CloseToADeclaredMember_ReadsItByNameof(string before, string after, string name) =>
        AssertFix(new UseSuggestedMemberCodeFixProvider(), "AXN0109", $"Read '{name}' (nameof({name}))", UseSuggestedMemberCodeFixProvider.Key,
            Graph(before), Graph(after));

    [Theory]
    [InlineData("[Dense(1, From = \"Nothing\")] public partial Layer Output { get; }")]   // nothing close
    [InlineData("[Dense(1, From = \"Odder\")] public partial Layer Output { get; }")]     // distance 2 from Other, but 5 letters allow 1
    public async Task UnknownReference_NothingClose_NoFixAndNoSuggestion(string reader)
    {
        var reported = Assert.Single(GeneratorHarness.Run(Graph(reader)).AxonDiagnostics, d => d.Id == "AXN0109");
        Assert.Contains("is not a layer of 'Regressor'; use nameof", reported.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await AssertTitles(new UseSuggestedMemberCodeFixProvider(), await Prepare("AXN0109", Graph(reader)));
    }

    [Fact]
    public void UnknownReference_Misspelled_MessageSuggestsTheMember()
    {
        var reported = Assert.Single(GeneratorHarness.Run(Graph("[Dense(1, From = \"Hiden\")] public partial Layer Output { get; }")).AxonDiagnostics, d => d.Id == "AXN0109");
        Assert.Equal("Layer 'Output' reads 'Hiden', which is not a layer of 'Regressor'; did you mean 'Hidden'?; use nameof(...) of a layer member, or Graph.Input for the model input",
            reported.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void NameSuggestion_PrefersTheUniqueClosest_AndRefusesTies()
    {
        Assert.Equal("Hidden", Axon.Generators.Analysis.NameSuggestion.Closest("Hiden", ["Hidden", "Logits"]));
        Assert.Equal("Hidden", Axon.Generators.Analysis.NameSuggestion.Closest("Hdiden", ["Hidden", "Logits"]));   // transposition counts 1
        Assert.Null(Axon.Generators.Analysis.NameSuggestion.Closest("Ab", ["Ac", "Ad"]));                          // two at distance 1
        Assert.Null(Axon.Generators.Analysis.NameSuggestion.Closest("Logits", ["Hidden"]));
        Assert.Equal(2, Axon.Generators.Analysis.NameSuggestion.Distance("Odder", "Other"));
    }

    // ---------------------------------------------------------------- AXN0303: Nesterov without momentum

    private static string Sgd(string attribute) => $$"""
        using Axon;

        [Model(Loss = Loss.MeanSquaredError)]
        [Input(4)]
        {{attribute}}
        public partial class Regressor
        {
            [Dense(1)] public partial Layer Output { get; }
        }

        """;

    [Theory]
    [InlineData("[Sgd(Nesterov = true)]", "[Sgd]")]
    [InlineData("[Sgd(LearningRate = 0.1f, Nesterov = true, WeightDecay = 1e-4f)]", "[Sgd(LearningRate = 0.1f, WeightDecay = 1e-4f)]")]
    [InlineData("[Sgd(Momentum = 0f, Nesterov = true)]", "[Sgd(Momentum = 0f)]")]
    [InlineData("[Sgd(Momentum = 0, Nesterov = true)]", "[Sgd(Momentum = 0)]")]
    public Task NesterovWithoutMomentum_RemovesNesterov(string before, string after) =>
        AssertFix(new RemoveNesterovCodeFixProvider(), "AXN0303", "Remove Nesterov: without Momentum it is plain SGD", RemoveNesterovCodeFixProvider.Key,
            Sgd(before), Sgd(after));

    [Fact]
    public async Task NesterovWithoutMomentum_NoFix_WhenMomentumIsNegative() =>
        // Momentum -0.5 is its own error (AXN0302); dropping Nesterov would hide that the user asked for momentum.
        await AssertTitles(new RemoveNesterovCodeFixProvider(), await Prepare("AXN0303", Sgd("[Sgd(Momentum = -0.5f, Nesterov = true)]")));

    [Theory]
    [InlineData("[Sgd([|Momentum = 0f|], Nesterov = true)]")]
    [InlineData("[Adam([|WeightDecay = 0f|])]")]
    public async Task NesterovWithoutMomentum_NoFix_WhenTheSpanIsNotNesterov(string attribute) =>
        await AssertTitles(new RemoveNesterovCodeFixProvider(), await PrepareAt("AXN0303", Sgd(attribute)));

    // ---------------------------------------------------------------- AXN0102: layer member not 'partial Layer X { get; }'

    private static string Layered(string member) => $$"""
        using Axon;

        [Model(Loss = Loss.MeanSquaredError)]
        [Input(4)]
        public partial class Regressor
        {
        {{member}}
        }

        """;

    [Theory]
    [InlineData("    [Dense(1)] public Layer Output { get; }", "    [Dense(1)] public partial Layer Output { get; }")]
    [InlineData("    [Dense(1)] public partial Layer Output { get; set; }", "    [Dense(1)] public partial Layer Output { get; }")]
    [InlineData("    [Dense(1)]\n    public Layer Output { set; get; }", "    [Dense(1)]\n    public partial Layer Output { get; }")]
    [InlineData("    [Dense(1)]\n    Layer Output { get; init; }", "    [Dense(1)]\n    partial Layer Output { get; }")]
    public Task UnsupportedLayerMember_DeclaresAPartialGetOnlyLayer(string before, string after) =>
        AssertFix(new LayerPropertyCodeFixProvider(), "AXN0102", "Declare 'Output' as 'partial Layer Output { get; }'", LayerPropertyCodeFixProvider.Key,
            Layered(before), Layered(after));

    [Theory]
    [InlineData("    [Dense(1)] public static partial Layer Output { get; }")]
    [InlineData("    [Dense(1)] public Layer Output { get => null!; }")]
    [InlineData("    [Dense(1)] public Layer Output => null!;")]
    [InlineData("    [Dense(1)] public partial int Output { get; }")]
    [InlineData("    [Dense(1)] public partial Layer Output { set; }")]
    public async Task UnsupportedLayerMember_NoFix_WhenTheMemberIsNotASlip(string member) =>
        await AssertTitles(new LayerPropertyCodeFixProvider(), await Prepare("AXN0102", Layered(member)));

    // ---------------------------------------------------------------- AXN0107: Reshape of another size

    private static string Reshaped(string reshape, string next) => $$"""
        using Axon;

        [Model(Loss = Loss.MeanSquaredError)]
        [Input(784)]
        public partial class Digits
        {
            {{reshape}} public partial Layer Image { get; }
            {{next}}
            [Dense(1)] public partial Layer Output { get; }
        }

        """;

    private const string Flatten = "[Flatten] public partial Layer Flat { get; }";
    private const string Conv = "[Conv2D(4, 3)] public partial Layer Conv { get; }\n    [Flatten] public partial Layer Flat { get; }";

    [Theory]
    [InlineData("[Reshape(1, 7, 7)]", "[Reshape(16, 7, 7)]", "[16, 7, 7] (784 values")]               // height and width kept, the channels that fit
    [InlineData("[Reshape(3, 28, 28)]", "[Reshape(1, 28, 28)]", "[1, 28, 28] (784 values")]
    [InlineData("[Reshape(2, 14, 14, From = Graph.Input)]", "[Reshape(4, 14, 14, From = Graph.Input)]", "[4, 14, 14] (784 values")]
    [InlineData("[Reshape(1 /* c */, 7, 7) /* keep */]", "[Reshape(16, 7, 7) /* keep */]", "[16, 7, 7] (784 values")]
    public Task ReshapeSize_SetsTheSuggestedShape(string before, string after, string title) =>
        AssertFix(new ReshapeCodeFixProvider(), "AXN0107", "Set the shape to " + title + ", as its input has)", ReshapeCodeFixProvider.Key,
            Reshaped(before, Conv), Reshaped(after, Conv));

    [Theory]
    [InlineData("[Reshape(1, 28, 27)]")]   // no channel count fits 28x27
    [InlineData("[Reshape(780)]")]
    public Task ReshapeSize_SetsFeatures_WhenNoChannelCountFits(string before) =>
        AssertFix(new ReshapeCodeFixProvider(), "AXN0107", "Set the shape to [784] (784 values, as its input has)", ReshapeCodeFixProvider.Key,
            Reshaped(before, Flatten), Reshaped("[Reshape(784)]", Flatten));

    [Fact]
    public async Task ReshapeSize_CarriesTheShapeInTheDiagnosticsProperties()
    {
        var diagnostic = Assert.Single(GeneratorHarness.Run(Reshaped("[Reshape(1, 7, 7)]", Conv)).AxonDiagnostics);
        Assert.Equal("16,7,7", diagnostic.Properties[FixProperties.Shape]);
        // The fix reads the property, not the message: another shape in the property is what gets written.
        var setup = await Prepare("AXN0107", Reshaped("[Reshape(1, 7, 7)]", Conv));
        var edited = setup with { Diagnostic = Diagnostic.Create(setup.Diagnostic.Descriptor, setup.Diagnostic.Location,
            ImmutableDictionary<string, string?>.Empty.Add(FixProperties.Shape, "4,14,14")) };
        var action = Assert.Single(await Actions(new ReshapeCodeFixProvider(), edited));
        Assert.Equal(Reshaped("[Reshape(4, 14, 14)]", Conv), Assert.Single(await Apply(action, edited)));
    }

    [Fact]
    public async Task ReshapeSize_NoFix_WhenTheSuggestedShapeBreaksTheNextLayer()
    {
        // [784] is the suggestion, but the convolution after it needs [C, H, W]: the generator checks and offers nothing.
        var setup = await Prepare("AXN0107", Reshaped("[Reshape(1, 28, 27)]", Conv));
        Assert.Empty(setup.Diagnostic.Properties);
        await AssertTitles(new ReshapeCodeFixProvider(), setup);
    }

    [Theory]
    [InlineData("[Reshape(new[] { 1, 7, 7 })]")]   // an array: not rewritten value by value
    [InlineData("[Reshape(new int[] { 780 })]")]
    public async Task ReshapeSize_NoFix_WhenTheShapeIsAnArray(string reshape) =>
        await AssertTitles(new ReshapeCodeFixProvider(), await Prepare("AXN0107", Reshaped(reshape, Flatten)));

    [Fact]
    public async Task ReshapeSize_NoFix_ForTheOtherLayerSettings() =>
        await AssertTitles(new ReshapeCodeFixProvider(), await Prepare("AXN0107", Reshaped("[Dropout(1.5f)]", Flatten)));

    // ---------------------------------------------------------------- AXN0208: merge operand of another size

    private static string Merged(string members) => $$"""
        using Axon;

        [Model(Loss = Loss.MeanSquaredError)]
        [Input(4)]
        public partial class Net
        {
        {{members}}
            [Dense(1)] public partial Layer Output { get; }
        }

        """;

    [Theory]
    [InlineData("Add")]
    [InlineData("Multiply")]
    public Task OperandSize_SetsTheDenseUnitsToTheOtherOperands(string merge) =>
        AssertFix(new SetSizeCodeFixProvider(), "AXN0208", "Set units of 'B' to 8 (the size of 'A')", SetSizeCodeFixProvider.OperandKey,
            Merged($"    [Dense(8, Activation.Relu)] public partial Layer A {{ get; }}\n    [Dense(6, Activation.Relu, From = Graph.Input)] public partial Layer B {{ get; }}\n    [{merge}(nameof(A), nameof(B))] public partial Layer S {{ get; }}"),
            Merged($"    [Dense(8, Activation.Relu)] public partial Layer A {{ get; }}\n    [Dense(8, Activation.Relu, From = Graph.Input)] public partial Layer B {{ get; }}\n    [{merge}(nameof(A), nameof(B))] public partial Layer S {{ get; }}"));

    [Fact]
    public Task OperandSize_KeepsTheArgumentName() =>
        AssertFix(new SetSizeCodeFixProvider(), "AXN0208", "Set units of 'B' to 8 (the size of 'A')", SetSizeCodeFixProvider.OperandKey,
            Merged("    [Dense(8)] public partial Layer A { get; }\n    [Dense(units: 6 /* was 6 */, From = Graph.Input)] public partial Layer B { get; }\n    [Add(nameof(A), nameof(B))] public partial Layer S { get; }"),
            Merged("    [Dense(8)] public partial Layer A { get; }\n    [Dense(units: 8 /* was 6 */, From = Graph.Input)] public partial Layer B { get; }\n    [Add(nameof(A), nameof(B))] public partial Layer S { get; }"));

    [Fact]
    public Task OperandSize_SetsTheFiltersOfAConvolution() =>
        AssertFix(new SetSizeCodeFixProvider(), "AXN0208", "Set filters of 'B' to 8 (the channels of 'A')", SetSizeCodeFixProvider.OperandKey, """
            using Axon;

            [Model(Loss = Loss.MeanSquaredError)]
            [Input(3, 8, 8)]
            public partial class Net
            {
                [Conv2D(8, 3, Padding = Padding.Same)] public partial Layer A { get; }
                [Conv2D(4, 3, Padding = Padding.Same)] public partial Layer B { get; }
                [Add(nameof(A), nameof(B))] public partial Layer S { get; }
                [Flatten] public partial Layer F { get; }
                [Dense(1)] public partial Layer Output { get; }
            }

            """, """
            using Axon;

            [Model(Loss = Loss.MeanSquaredError)]
            [Input(3, 8, 8)]
            public partial class Net
            {
                [Conv2D(8, 3, Padding = Padding.Same)] public partial Layer A { get; }
                [Conv2D(8, 3, Padding = Padding.Same)] public partial Layer B { get; }
                [Add(nameof(A), nameof(B))] public partial Layer S { get; }
                [Flatten] public partial Layer F { get; }
                [Dense(1)] public partial Layer Output { get; }
            }

            """);

    private static string Recommender(int userDimension, int itemDimension, int itemIds = 1) => $$"""
        using Axon;

        [Model(Loss = Loss.MeanSquaredError)]
        public partial class Recommender
        {
            [Input(1, Ids = true)] public partial Layer UserId { get; }
            [Input({{itemIds}}, Ids = true)] public partial Layer ItemIds { get; }
            [Embedding(1000, {{userDimension}}, From = nameof(UserId))] public partial Layer UserVec { get; }
            [Embedding(500, {{itemDimension}}, From = nameof(ItemIds))] public partial Layer ItemVec { get; }
            [Dot(nameof(UserVec), nameof(ItemVec))] public partial Layer Score { get; }
        }

        """;

    [Fact]
    public Task OperandSize_SetsTheEmbeddingDimensionToItsDotPartners() =>
        AssertFix(new SetSizeCodeFixProvider(), "AXN0208", "Set dimension of 'ItemVec' to 32 (the size of 'UserVec')", SetSizeCodeFixProvider.OperandKey,
            Recommender(32, 16), Recommender(32, 32));

    [Fact]
    public Task OperandSize_SplitsTheSizeOverTheEmbeddingsIds() =>
        AssertFix(new SetSizeCodeFixProvider(), "AXN0208", "Set dimension of 'ItemVec' to 8 (its 4 ids then fill the size of 'UserVec')", SetSizeCodeFixProvider.OperandKey,
            Recommender(32, 16, itemIds: 4), Recommender(32, 8, itemIds: 4));

    [Fact]
    public async Task OperandSize_NoFix_WhenTheIdsCannotFillThePartner() =>
        await AssertTitles(new SetSizeCodeFixProvider(), await Prepare("AXN0208", Recommender(30, 16, itemIds: 4)));

    [Fact]
    public async Task OperandSize_NoFix_WhenTheDenseFeedsAnotherMergeAtItsSize()
    {
        // B at 8 would fit S but no longer T: a fix must not trade one AXN0208 for another.
        var setup = await Prepare("AXN0208", Merged("""
                [Dense(8)] public partial Layer A { get; }
                [Dense(6, From = Graph.Input)] public partial Layer B { get; }
                [Dense(6, From = Graph.Input)] public partial Layer C { get; }
                [Add(nameof(A), nameof(B))] public partial Layer S { get; }
                [Add(nameof(B), nameof(C))] public partial Layer T { get; }
                [Concat(nameof(S), nameof(T))] public partial Layer J { get; }
            """));
        Assert.Empty(setup.Diagnostic.Properties);
        await AssertTitles(new SetSizeCodeFixProvider(), setup);
    }

    [Theory]
    [InlineData("    [Dense(8)] public partial Layer A { get; }\n    [Add(nameof(A), Graph.Input)] public partial Layer S { get; }")]           // the model input has no size to set
    [InlineData("    [Dense(8)] public partial Layer A { get; }\n    [Dropout(0.1f, From = Graph.Input)] public partial Layer B { get; }\n    [Add(nameof(A), nameof(B))] public partial Layer S { get; }")]
    public async Task OperandSize_NoFix_WhenTheOperandHasNoSizeArgument(string members) =>
        await AssertTitles(new SetSizeCodeFixProvider(), await Prepare("AXN0208", Merged(members)));

    // ---------------------------------------------------------------- AXN0403: transferred layer of another size

    private static string Transfer(string hidden, string list = "nameof(Hidden)") => $$"""
        using Axon;

        [Model(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(16)]
        public partial class Pretrained
        {
            [Dense(128, Activation.Relu)] public partial Layer Hidden { get; }
            [Dense(5)] public partial Layer Logits { get; }
        }

        [Model(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(16)]
        [TransferFrom(typeof(Pretrained), {{list}})]
        public partial class FewShot
        {
            {{hidden}}
            [Dense(3)] public partial Layer Logits { get; }
        }

        """;

    [Fact]
    public Task TransferSize_SetsTheUnitsToThePretrainedLayers() =>
        AssertFix(new SetSizeCodeFixProvider(), "AXN0403", "Set units of 'Hidden' to 128 (as 'Hidden' of 'Pretrained')", SetSizeCodeFixProvider.TransferKey,
            Transfer("[Dense(64, Activation.Relu)] public partial Layer Hidden { get; }"),
            Transfer("[Dense(128, Activation.Relu)] public partial Layer Hidden { get; }"));

    [Fact]
    public Task TransferSize_ChangesTheMemberInTheFileThatDeclaresIt() =>
        AssertFix(new SetSizeCodeFixProvider(), "AXN0403", "Set units of 'Hidden' to 128 (as 'Hidden' of 'Pretrained')", SetSizeCodeFixProvider.TransferKey,
            [TransferDeclaration, TransferLayers(64)],
            [TransferDeclaration, TransferLayers(128)],
            compiles: true);

    private const string TransferDeclaration = """
        using Axon;

        [Model(Loss = Loss.SoftmaxCrossEntropy)][Input(16)]
        public partial class Pretrained { [Dense(128, Activation.Relu)] public partial Layer Hidden { get; } [Dense(5)] public partial Layer Logits { get; } }

        [Model(Loss = Loss.SoftmaxCrossEntropy)][Input(16)]
        [TransferFrom(typeof(Pretrained), nameof(Hidden))]
        public partial class FewShot { }

        """;

    private static string TransferLayers(int units) =>
        $"using Axon;\n\npublic partial class FewShot\n{{\n    [Dense({units}, Activation.Relu)] public partial Layer Hidden {{ get; }}\n    [Dense(3)] public partial Layer Logits {{ get; }}\n}}\n";

    [Fact]
    public async Task TransferSize_NoFix_ForTheOutputLayer() =>
        // The head's size is the number of classes of the new task; the page says to leave it out of the list.
        await AssertTitles(new SetSizeCodeFixProvider(), await Prepare("AXN0403",
            Transfer("[Dense(128, Activation.Relu)] public partial Layer Hidden { get; }", "nameof(Hidden), nameof(Logits)")));

    [Theory]
    [InlineData("[Dense(64, Activation.Relu, Bias = false)] public partial Layer Hidden { get; }")]   // the bias differs too
    [InlineData("[Dense(8)] public partial Layer Pre { get; }\n    [Dense(64, Activation.Relu)] public partial Layer Hidden { get; }")]   // and the input: [8], not [16]
    public async Task TransferSize_NoFix_WhenMoreThanTheSizeDiffers(string hidden) =>
        await AssertTitles(new SetSizeCodeFixProvider(), await Prepare("AXN0403", Transfer(hidden)));
}

