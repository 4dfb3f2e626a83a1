using System.Linq;
using Xunit;

namespace Axon.Generators.Tests;

public class SnapshotTests
{
    private static void VerifyModel(string source, string name, string? file = null)
    {
        var result = GeneratorHarness.Run(source);
        Assert.Empty(result.AxonDiagnostics);
        Assert.Empty(result.CompilerErrors);
        var sources = result.Run.Results.Single().GeneratedSources;
        var generated = file is null ? Assert.Single(sources) : sources.Single(s => s.HintName == file);
        Snapshot.Verify(generated.SourceText.ToString(), name);
    }

    [Fact]
    public void FashionMlp_Emitted() => VerifyModel(SnapshotModels.FashionMlp, "FashionMlp");

    [Fact]
    public void AdversarialTraining_Trades_Emitted() => VerifyModel(SnapshotModels.RobustMlp, "RobustMlp");

    [Fact]
    public void FashionCnn_Emitted() => VerifyModel(SnapshotModels.FashionCnn, "FashionCnn");

    [Fact]
    public void ResidualGraph_Emitted() => VerifyModel(SnapshotModels.ResidualScorer, "ResidualScorer");

    [Fact]
    public void LoraWithTransfer_Emitted() => VerifyModel(SnapshotModels.Adapted, "Adapted", file: "Demo.Adapted.g.cs");

    [Fact]
    public void GeluRegressor_WithSgdAndPreActivationBuffer_Emitted() => VerifyModel(SnapshotModels.PriceRegressor, "PriceRegressor");

    [Fact]
    public void NestedBinaryClassifier_WithAdamW_Emitted() => VerifyModel(SnapshotModels.FraudNet, "FraudNet");

    [Fact]
    public void InputMembers_Embedding_Multiply_Dot_Emitted() => VerifyModel(SnapshotModels.Recommender, "Recommender");

    [Fact]
    public void Reshape_SpatialLayerNorm_GlobalAveragePool_Emitted() => VerifyModel(SnapshotModels.ReshapeGap, "ReshapeGap");

    [Fact]
    public void StackedLstmDropoutGru_Emitted() => VerifyModel(SnapshotModels.SequenceForecaster, "SequenceForecaster");

    [Fact]
    public void Conv1D_Dilated_Causal_Pointwise_Strided_Pools_PerStepDense_GlobalPools_Emitted() => VerifyModel(SnapshotModels.SequenceConv, "SequenceConv");

    [Fact]
    public void NegativeSeed_UnderACultureWithAnotherMinusSign_EmitsTheSnapshotUnchanged()
    {
        // Invariant globalization is on for the tests, so build a culture whose minus sign differs (as sv-SE's U+2212 does).
        var culture = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NegativeSign = "\u2212";
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
            Assert.Equal("\u22127", (-7).ToString());   // the culture is in effect
            VerifyModel(SnapshotModels.Recommender, "Recommender");
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void InvalidModel_Emitted_AsThrowingMembers() 
    {
        var result = GeneratorHarness.Run(SnapshotModels.Broken);
        Assert.Equal("AXN0101", Assert.Single(result.AxonDiagnostics).Id);
        Assert.Empty(result.CompilerErrors);
        Snapshot.Verify(result.Run.Results.Single().GeneratedSources.Single().SourceText.ToString(), "Broken");
    }
}
