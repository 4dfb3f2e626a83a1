using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Axon.CodeFixes;
using Axon.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>
/// AXN0140's fixes (SequenceShapeCodeFixProvider), with the harness of <see cref="CodeFixTests"/>: the real generator
/// reports the diagnostic with the fixes it verified, the provider offers them, the text after is compared with a
/// literal, and the generator then reports no error and the model compiles. The negative cases are fixes the generator
/// or the provider must hold back: a twin that would leave an error or not take the arguments, a layer inserted where
/// one of its kind already is, and features fed to a sequence layer.
/// </summary>
public partial class CodeFixTests
{
    // ---------------------------------------------------------------- AXN0140: sequence where features or an image are expected

    private static string Net(string loss, string input, params string[] members) =>
        $"using Axon;\n\n[Model(Loss = Loss.{loss})]\n[Input({input})]\npublic partial class Net\n{{\n"
        + string.Concat(members.Select(m => "    " + m + "\n")) + "}\n";

    private const string FlattenOut = "[Flatten] public partial Layer Flat { get; }";
    private const string Out = "[Dense(1)] public partial Layer Out { get; }";

    private static readonly SequenceShapeCodeFixProvider SequenceFix = new();

    [Theory]
    [InlineData("[Conv2D(8, 3, Activation.Relu, Padding = Padding.Same)]", "[Conv1D(8, 3, Activation.Relu, Padding = Padding.Same)]", "Conv1D")]
    [InlineData("[Conv2D(filters: 8, kernel: 3, Stride = 2, Bias = false)]", "[Conv1D(filters: 8, kernel: 3, Stride = 2, Bias = false)]", "Conv1D")]
    [InlineData("[Axon.Conv2DAttribute(8, 3)]", "[Axon.Conv1DAttribute(8, 3)]", "Conv1D")]
    [InlineData("[global::Axon.Conv2D(8, 3)]", "[global::Axon.Conv1D(8, 3)]", "Conv1D")]
    [InlineData("[MaxPool2D(2)]", "[MaxPool1D(2)]", "MaxPool1D")]
    [InlineData("[AvgPool2D(3, Stride = 1, Padding = Padding.Same)]", "[AvgPool1D(3, Stride = 1, Padding = Padding.Same)]", "AvgPool1D")]
    [InlineData("[GlobalAveragePool]", "[GlobalAveragePool1D]", "GlobalAveragePool1D")]
    public Task SequenceShape_ImageLayerFedASequence_UsesTheTwin(string before, string after, string twin) =>
        AssertFix(SequenceFix, "AXN0140", $"Use {twin} for the sequence [30, 4]", SequenceShapeCodeFixProvider.TwinKey,
            Net("MeanSquaredError", "30, 4", before + " public partial Layer Window { get; }", FlattenOut, Out),
            Net("MeanSquaredError", "30, 4", after + " public partial Layer Window { get; }", FlattenOut, Out));

    [Fact]
    public Task SequenceShape_GlobalAveragePool1DFedAnImage_UsesGlobalAveragePool() =>
        AssertFix(SequenceFix, "AXN0140", "Use GlobalAveragePool for the image [3, 8, 8]", SequenceShapeCodeFixProvider.TwinKey,
            Net("MeanSquaredError", "3, 8, 8", "[GlobalAveragePool1D] public partial Layer Pool { get; }", Out),
            Net("MeanSquaredError", "3, 8, 8", "[GlobalAveragePool] public partial Layer Pool { get; }", Out));

    [Fact]
    public Task SequenceShape_BatchNormFedASequence_UsesLayerNorm_KeepingEpsilon() =>
        AssertFix(SequenceFix, "AXN0140", "Use LayerNorm for the sequence [30, 4]", SequenceShapeCodeFixProvider.TwinKey,
            Net("MeanSquaredError", "30, 4", "[BatchNorm(Epsilon = 0.01f)] public partial Layer Norm { get; }", FlattenOut, Out),
            Net("MeanSquaredError", "30, 4", "[LayerNorm(Epsilon = 0.01f)] public partial Layer Norm { get; }", FlattenOut, Out));

    [Fact]
    public async Task SequenceShape_BatchNormFedASequence_OffersTheTwinAndBothInsertions() =>
        await AssertTitles(SequenceFix, await Prepare("AXN0140", Net("MeanSquaredError", "30, 4", "[BatchNorm] public partial Layer Norm { get; }", FlattenOut, Out)),
            "Use LayerNorm for the sequence [30, 4]", "Insert Flatten before 'Norm'", "Insert GlobalAveragePool1D before 'Norm'");

    // LayerNorm has no Momentum: renaming the attribute would not compile, so only the insertions remain.
    [Fact]
    public async Task SequenceShape_NoTwin_WhenTheTwinDoesNotTakeAnArgument() =>
        await AssertTitles(SequenceFix, await Prepare("AXN0140", Net("MeanSquaredError", "30, 4", "[BatchNorm(Momentum = 0.9f)] public partial Layer Norm { get; }", FlattenOut, Out)),
            "Insert Flatten before 'Norm'", "Insert GlobalAveragePool1D before 'Norm'");

    // A Conv1D of 5 taps over 3 steps is too long (valid padding): the swap would trade AXN0140 for another error.
    // Nothing inserted before a Conv2D gives it an image either.
    [Theory]
    [InlineData("3, 4", "[Conv2D(8, 5)] public partial Layer Conv { get; }")]
    [InlineData("3, 4", "[MaxPool2D(4)] public partial Layer Pool { get; }")]
    public async Task SequenceShape_NoTwin_WhenTheTwinWouldLeaveAnError(string input, string layer)
    {
        var setup = await Prepare("AXN0140", Net("MeanSquaredError", input, layer, FlattenOut, Out));
        Assert.False(setup.Diagnostic.Properties.ContainsKey(FixProperties.Twin));
        await AssertTitles(SequenceFix, setup);
    }

    [Fact]
    public Task SequenceShape_SoftmaxOutputFedASequence_InsertsFlatten() =>
        AssertFix(SequenceFix, "AXN0140", "Insert Flatten before 'Logits'", SequenceShapeCodeFixProvider.InsertFlattenKey,
            Net("SoftmaxCrossEntropy", "30, 4", "[Dense(16, Activation.Relu)] public partial Layer Hidden { get; }", "/// <summary>Class scores.</summary>", "[Dense(3)] public partial Layer Logits { get; }"),
            Net("SoftmaxCrossEntropy", "30, 4", "[Dense(16, Activation.Relu)] public partial Layer Hidden { get; }", "[Flatten] public partial Layer Flatten { get; }", "/// <summary>Class scores.</summary>", "[Dense(3)] public partial Layer Logits { get; }"));

    [Fact]
    public Task SequenceShape_SoftmaxOutputFedASequence_InsertsGlobalAveragePool1D_WithAFreshName() =>
        AssertFix(SequenceFix, "AXN0140", "Insert GlobalAveragePool1D before 'Logits'", SequenceShapeCodeFixProvider.InsertPoolKey,
            Net("SoftmaxCrossEntropy", "30, 4", "[Dense(16, Activation.Relu)] internal partial Layer GlobalAveragePool1D { get; }", "[Dense(3)] internal partial Layer Logits { get; }"),
            Net("SoftmaxCrossEntropy", "30, 4", "[Dense(16, Activation.Relu)] internal partial Layer GlobalAveragePool1D { get; }", "[GlobalAveragePool1D] internal partial Layer GlobalAveragePool1D2 { get; }", "[Dense(3)] internal partial Layer Logits { get; }"));

    [Fact]
    public Task SequenceShape_InsertsInTheOneLineClass_WithTheAttributesQualification() =>
        AssertFix(SequenceFix, "AXN0140", "Insert Flatten before 'O'", SequenceShapeCodeFixProvider.InsertFlattenKey,
            "[Axon.Model(Loss = Axon.Loss.SoftmaxCrossEntropy)][Axon.Input(5, 2)] public partial class M { [Axon.DenseAttribute(3)] public partial Axon.Layer O { get; } }\n",
            "[Axon.Model(Loss = Axon.Loss.SoftmaxCrossEntropy)][Axon.Input(5, 2)] public partial class M { [Axon.FlattenAttribute] public partial Axon.Layer Flatten { get; } [Axon.DenseAttribute(3)] public partial Axon.Layer O { get; } }\n");

    [Fact]
    public Task SequenceShape_OutputAfterAnLstm_ReturnsTheLastStep() =>
        AssertFix(SequenceFix, "AXN0140", "Set ReturnSequences = false on 'Rnn'", SequenceShapeCodeFixProvider.LastStepKey,
            Net("SoftmaxCrossEntropy", "30, 4", "[Lstm(16, ReturnSequences = true)] public partial Layer Rnn { get; }", "[Dense(3)] public partial Layer Logits { get; }"),
            Net("SoftmaxCrossEntropy", "30, 4", "[Lstm(16)] public partial Layer Rnn { get; }", "[Dense(3)] public partial Layer Logits { get; }"));

    [Fact]
    public async Task SequenceShape_OutputAfterAnLstm_OffersTheInsertionsAndTheLastStep() =>
        await AssertTitles(SequenceFix, await Prepare("AXN0140", Net("SoftmaxCrossEntropy", "30, 4", "[Lstm(16, ReturnSequences = true)] public partial Layer Rnn { get; }", "[Dense(3)] public partial Layer Logits { get; }")),
            "Insert Flatten before 'Logits'", "Insert GlobalAveragePool1D before 'Logits'", "Set ReturnSequences = false on 'Rnn'");

    [Fact]
    public Task SequenceShape_BatchNormAfterAGru_ReturnsTheLastStep_KeepingTheOtherArguments() =>
        AssertFix(SequenceFix, "AXN0140", "Set ReturnSequences = false on 'Rnn'", SequenceShapeCodeFixProvider.LastStepKey,
            Net("MeanSquaredError", "30, 4", "[Gru(8, Bias = false, ReturnSequences = true)] public partial Layer Rnn { get; }", "[BatchNorm] public partial Layer Norm { get; }", Out),
            Net("MeanSquaredError", "30, 4", "[Gru(8, Bias = false)] public partial Layer Rnn { get; }", "[BatchNorm] public partial Layer Norm { get; }", Out));

    // Concat reports the operand, not itself: the last step is looked for upstream of that operand (the second here), not the first.
    [Fact]
    public Task SequenceShape_ConcatOperandFromAnLstm_ReturnsTheLastStep() =>
        AssertFix(SequenceFix, "AXN0140", "Set ReturnSequences = false on 'Steps'", SequenceShapeCodeFixProvider.LastStepKey,
            Net("MeanSquaredError", "30, 4",
                "[Lstm(8, ReturnSequences = true)] public partial Layer Steps { get; }",
                "[Gru(8, From = Graph.Input)] public partial Layer Last { get; }",
                "[Concat(nameof(Last), nameof(Steps))] public partial Layer Joined { get; }", Out),
            Net("MeanSquaredError", "30, 4",
                "[Lstm(8)] public partial Layer Steps { get; }",
                "[Gru(8, From = Graph.Input)] public partial Layer Last { get; }",
                "[Concat(nameof(Last), nameof(Steps))] public partial Layer Joined { get; }", Out));

    // The recurrent output is the loss's: inserting before it would starve it of its sequence, so only the last step is offered.
    [Fact]
    public async Task SequenceShape_RecurrentOutput_OnlyReturnsTheLastStep() =>
        await AssertTitles(SequenceFix, await Prepare("AXN0140", Net("SoftmaxCrossEntropy", "30, 4", "[Gru(3, ReturnSequences = true)] public partial Layer Logits { get; }")),
            "Set ReturnSequences = false on 'Logits'");

    // A layer that reads a named member gains nothing from a member inserted before it.
    [Fact]
    public async Task SequenceShape_NoInsertion_WhenTheLayerReadsANamedMember() =>
        await AssertTitles(SequenceFix, await Prepare("AXN0140", Net("SoftmaxCrossEntropy", "30, 4",
            "[Dense(16, Activation.Relu)] public partial Layer Hidden { get; }",
            "[Flatten] public partial Layer Flat { get; }",
            "[Dense(8)] public partial Layer Side { get; }",
            "[Dense(3, From = nameof(Hidden))] public partial Layer Logits { get; }")));

    // Features where a sequence is needed: T and F are the author's choice, so nothing is offered.
    [Theory]
    [InlineData("120", "[Lstm(8)] public partial Layer Rnn { get; }")]
    [InlineData("120", "[Conv1D(8, 3)] public partial Layer Conv { get; }")]
    [InlineData("3, 8, 8", "[GlobalMaxPool1D] public partial Layer Pool { get; }")]
    public async Task SequenceShape_NoFix_ForFeaturesOrAnImageFedToASequenceLayer(string input, string layer)
    {
        var setup = await Prepare("AXN0140", Net("MeanSquaredError", input, layer, FlattenOut, Out));
        Assert.Empty(setup.Diagnostic.Properties);
        await AssertTitles(SequenceFix, setup);
    }

    // A stale diagnostic that still offers a Flatten where the member before already is one: only the other insertion.
    [Fact]
    public async Task SequenceShape_NoInsertion_WhenTheMemberBeforeIsAlreadyOfThatKind()
    {
        var setup = await Prepare("AXN0140", Net("MeanSquaredError", "30, 4", "[Lstm(8, ReturnSequences = true)] public partial Layer Rnn { get; }",
            "[Flatten] public partial Layer Flat { get; }", "[BatchNorm(From = nameof(Rnn))] public partial Layer Norm { get; }", Out));
        var stale = ImmutableDictionary<string, string?>.Empty
            .Add(FixProperties.Member, "Norm").Add(FixProperties.Received, "[30, 4]").Add(FixProperties.Insert, "Flatten,GlobalAveragePool1D");
        var forged = setup with { Diagnostic = Diagnostic.Create(setup.Diagnostic.Descriptor, setup.Diagnostic.Location, stale) };
        await AssertTitles(SequenceFix, forged, "Insert GlobalAveragePool1D before 'Norm'");
    }
}
