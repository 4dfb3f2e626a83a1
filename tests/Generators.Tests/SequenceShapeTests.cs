using System.Globalization;
using System.Linq;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>Sequence inputs <c>[T, F]</c>: what layers make of them, and the errors (with both shapes and the fix) where they do not fit.</summary>
public class SequenceShapeTests
{
    private const string Head = "using Axon;\nnamespace Demo;\n";

    private static (GeneratorHarness.Result Result, string Text) Generate(string model)
    {
        var result = GeneratorHarness.Run(Head + model);
        string text = string.Concat(result.Run.Results.Single().GeneratedSources.Select(s => s.SourceText.ToString()));
        return (result, text);
    }

    private static string Message(GeneratorHarness.Result result, string id) =>
        result.AxonDiagnostics.Single(d => d.Id == id).GetMessage(CultureInfo.InvariantCulture);

    [Fact]
    public void DenseOnASequence_AppliesPerStep_AsOneProductOverBatchTimesStepsRows()
    {
        var (result, text) = Generate("[Model(Loss = Loss.MeanSquaredError)][Input(30, 4)] public partial class M { [Dense(8, Activation.Tanh)] public partial Layer H { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }");
        Assert.Empty(result.AxonDiagnostics);
        Assert.Empty(result.CompilerErrors);
        // The same W [8, 4] and b [8] at every step: 40 parameters, not 30·4·30·8.
        Assert.Contains("global::Axon.Kernels.Dense.Forward(x, p.Slice(__HWeight, 32), p.Slice(__HBias, 8),", text);
        Assert.Contains(", n * 30, 4, 8, default(global::Axon.Kernels.TanhActivation), __core.Pool);", text);
        Assert.Contains("new(\"h.weight\", [8, 4], __HWeight)", text);
        Assert.Contains("new(\"h.bias\", [8], __HBias)", text);
        Assert.Contains("global::Axon.Initializers.Dense(p.Slice(__HWeight, 32), p.Slice(__HBias, 8), 4, 8,", text);
        Assert.Contains("new global::Axon.Layer(__core, \"H\", \"Dense\", 0, __HWeight, 32, 8, [30, 8])", text);
        // Flatten of [30, 8] is [240]: the head reads 240 features.
        Assert.Contains("p.Slice(__OWeight, 240)", text);
    }

    [Fact]
    public void SequenceInput_IsDeclaredAsStepsThenFeatures_InTheModelsInputShape()
    {
        var (result, text) = Generate("[Model(Loss = Loss.MeanSquaredError)][Input(5, 3)] public partial class M { [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }");
        Assert.Empty(result.AxonDiagnostics);
        Assert.Empty(result.CompilerErrors);
        Assert.Contains("p.Slice(__OWeight, 15)", text);
        Assert.Contains("InputSize = 15", text);
    }

    [Fact]
    public void ReshapeToTwoDimensions_MakesASequence_ThatDenseAppliesPerStep()
    {
        var (result, text) = Generate("[Model(Loss = Loss.MeanSquaredError)][Input(12)] public partial class M { [Reshape(4, 3)] public partial Layer R { get; } [Dense(2)] public partial Layer H { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }");
        Assert.Empty(result.AxonDiagnostics);
        Assert.Empty(result.CompilerErrors);
        Assert.Contains(", n * 4, 3, 2, ", text);
    }

    [Fact]
    public void ReshapeToTheWrongSequence_SuggestsOneWithTheSameFeaturesPerStep()
    {
        var (result, _) = Generate("[Model(Loss = Loss.MeanSquaredError)][Input(12)] public partial class M { [Reshape(5, 3)] public partial Layer R { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }");
        string message = Message(result, "AXN0107");
        Assert.Contains("[5, 3]", message);
        Assert.Contains("e.g. [4, 3]", message);
    }

    [Theory]
    [InlineData("[Conv2D(4, 3)] public partial Layer C { get; } [Flatten] public partial Layer F { get; }", "Conv2D layer 'C' expects [channels, height, width]", "use Conv1D for a sequence")]
    [InlineData("[MaxPool2D(2)] public partial Layer C { get; } [Flatten] public partial Layer F { get; }", "MaxPool2D layer 'C' expects [channels, height, width]", "use MaxPool1D for a sequence")]
    [InlineData("[AvgPool2D(2)] public partial Layer C { get; } [Flatten] public partial Layer F { get; }", "AvgPool2D layer 'C' expects [channels, height, width]", "use AvgPool1D for a sequence")]
    [InlineData("[GlobalAveragePool] public partial Layer C { get; }", "GlobalAveragePool layer 'C' expects [channels, height, width]", "use GlobalAveragePool1D for a sequence")]
    [InlineData("[BatchNorm] public partial Layer C { get; } [Flatten] public partial Layer F { get; }", "BatchNorm layer 'C' expects [features] or [channels, height, width]", "add Flatten before it")]
    public void ALayerThatNeedsFeaturesOrAnImage_FedASequence_NamesBothShapesAndTheFix(string layers, string expects, string fix)
    {
        var (result, _) = Generate($"[Model(Loss = Loss.MeanSquaredError)][Input(10, 3)] public partial class M {{ {layers} [Dense(1)] public partial Layer O {{ get; }} }}");
        var diagnostic = Assert.Single(result.AxonDiagnostics);
        Assert.Equal("AXN0140", diagnostic.Id);
        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        Assert.Contains(expects, message);
        Assert.Contains("its input has shape [10, 3]", message);
        Assert.Contains(fix, message);
        Assert.Empty(result.CompilerErrors);
    }

    [Fact]
    public void SoftmaxCrossEntropy_OnASequenceOutput_SaysToReduceTheSteps()
    {
        var (result, _) = Generate("[Model(Loss = Loss.SoftmaxCrossEntropy)][Input(10, 3)] public partial class M { [Dense(4)] public partial Layer O { get; } }");
        string message = Message(result, "AXN0140");
        Assert.Contains("output layer 'O' has shape [10, 4]", message);
        Assert.Contains("add Flatten", message);
        Assert.Contains("GlobalAveragePool1D", message);
        Assert.Contains("ReturnSequences = false", message);
    }

    [Fact]
    public void MeanSquaredError_OnAPerStepOutput_IsAllowed_OneTargetPerStepAndUnit()
    {
        var (result, text) = Generate("[Model(Loss = Loss.MeanSquaredError)][Input(10, 3)] public partial class M { [Dense(2)] public partial Layer O { get; } }");
        Assert.Empty(result.AxonDiagnostics);
        Assert.Empty(result.CompilerErrors);
        Assert.Contains("OutputSize = 20", text);
    }

    [Fact]
    public void DenseOnAnImage_IsStillAXN0205_NotASequenceError()
    {
        var (result, _) = Generate("[Model(Loss = Loss.MeanSquaredError)][Input(1, 4, 4)] public partial class M { [Dense(1)] public partial Layer O { get; } }");
        Assert.Equal("AXN0205", Assert.Single(result.AxonDiagnostics).Id);
    }

    [Fact]
    public void SequenceInputMember_ReadsItsColumns_AndDenseAppliesPerStep()
    {
        var (result, text) = Generate("[Model(Loss = Loss.MeanSquaredError)] public partial class M { [Input(6, 2)] public partial Layer S { get; } [Input(3)] public partial Layer X { get; } [Dense(4, From = nameof(S))] public partial Layer H { get; } [Flatten] public partial Layer F { get; } [Concat(nameof(F), nameof(X))] public partial Layer J { get; } [Dense(1)] public partial Layer O { get; } }");
        Assert.Empty(result.AxonDiagnostics);
        Assert.Empty(result.CompilerErrors);
        Assert.Contains("InputSize = 15", text);
        Assert.Contains(", n * 6, 2, 4, ", text);
    }
}
