namespace Axon.Generators.Tests;

/// <summary>
/// The models whose generated source is snapshot-tested (<c>Snapshots/Name.verified.cs</c>); the caching test runs over
/// every one of them as well.
/// </summary>
internal static class SnapshotModels
{
    public const string FashionMlp = """
        using Axon;
        namespace Demo;

        [Model(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(784, Min = 0f, Max = 1f)]
        public partial class FashionMlp
        {
            [Dense(128, Activation.Relu)] public partial Layer Hidden { get; }
            [Dense(10)]                   public partial Layer Logits { get; }
        }
        """;

    public const string RobustMlp = """
        using Axon;
        using Axon.Adversarial;
        namespace Demo;

        [Model(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(784, Min = 0f, Max = 1f)]
        [AdversarialTraining(0.1f, Method = AdversarialMethod.Trades, Steps = 10, StepSize = 0.02f, Beta = 3)]
        public partial class RobustMlp
        {
            [Dense(64, Activation.Relu)] public partial Layer Hidden { get; }
            [Dense(10)]                  public partial Layer Logits { get; }
        }
        """;

    public const string FashionCnn = """
        using Axon;
        namespace Demo;

        [Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 128)]
        [Input(1, 28, 28, Min = 0f, Max = 1f)]
        public partial class FashionCnn
        {
            [Conv2D(16, 3, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv1 { get; }
            [MaxPool2D(2)] public partial Layer Pool1 { get; }
            [Conv2D(32, 3, Activation.Gelu, Stride = 2, Padding = Padding.Same)] public partial Layer Conv2 { get; }
            [BatchNorm] public partial Layer Norm { get; }
            [AvgPool2D(2, Padding = Padding.Same)] public partial Layer Pool2 { get; }
            [Flatten] public partial Layer Flatten { get; }
            [Dropout(0.25f)] public partial Layer Dropout { get; }
            [Dense(10)] public partial Layer Logits { get; }
        }
        """;

    public const string ResidualScorer = """
        using Axon;
        namespace Demo;

        [Model(Loss = Loss.BinaryCrossEntropy)]
        [Input(32)]
        public partial class ResidualScorer
        {
            [Dense(64, Activation.Relu)] public partial Layer Stem { get; }
            [Dense(64, Activation.Relu)] public partial Layer Block { get; }
            [LayerNorm] public partial Layer Norm { get; }
            [Add(nameof(Norm), nameof(Stem))] public partial Layer Residual { get; }
            [Concat(nameof(Residual), Graph.Input)] public partial Layer Joined { get; }
            [Dense(1)] public partial Layer Score { get; }
        }
        """;

    public const string Adapted = """
        using Axon;
        namespace Demo;

        [Model(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(64)]
        public partial class Pretrained
        {
            [Dense(32, Activation.Relu)] public partial Layer Hidden { get; }
            [Dense(10)] public partial Layer Logits { get; }
        }

        [Model(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(64)]
        [TransferFrom(typeof(Pretrained), "Body=Hidden")]
        [LoRA(4, nameof(Body), Alpha = 8f)]
        public partial class Adapted
        {
            [Dense(32, Activation.Relu)] public partial Layer Body { get; }
            [Dense(3)] public partial Layer Head { get; }
        }
        """;

    public const string PriceRegressor = """
        using Axon;
        namespace Demo;

        [Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 32, Seed = 7)]
        [Input(13)]
        [Sgd(LearningRate = 0.05f, Momentum = 0.9f, Nesterov = true, WeightDecay = 1e-4f)]
        public partial class PriceRegressor
        {
            [Dense(32, Activation.Gelu, Init = Init.HeNormal)] public partial Layer Hidden1 { get; }
            [Dense(16, Activation.LeakyRelu, NegativeSlope = 0.2f)] public partial Layer Hidden2 { get; }
            [Dense(1)] public partial Layer Price { get; }
        }
        """;

    public const string FraudNet = """
        using Axon;

        public static partial class Risk
        {
            [Model(Loss = Loss.BinaryCrossEntropy)]
            [Input(20, Min = -5f, Max = 5f)]
            [AdamW(LearningRate = 3e-4f)]
            internal partial class FraudNet
            {
                [Dense(64, Activation.Tanh)] internal partial Layer Body { get; }
                [Dense(1, Bias = false)] internal partial Layer Score { get; }
            }
        }
        """;

    public const string Recommender = """
        using Axon;
        namespace Demo;

        [Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 64, Seed = -7)]
        public partial class Recommender
        {
            [Input(1, Ids = true)] public partial Layer User { get; }
            [Input(1, Ids = true)] public partial Layer Item { get; }
            [Input(3, Min = -5f, Max = 5f)] public partial Layer Context { get; }
            [Embedding(20, 4, From = nameof(User))] public partial Layer UserVec { get; }
            [Embedding(30, 4, From = nameof(Item))] public partial Layer ItemVec { get; }
            [Multiply(nameof(UserVec), nameof(ItemVec))] public partial Layer Interaction { get; }
            [Dense(4, Activation.LeakyRelu, NegativeSlope = 0.2f, Init = Init.GlorotUniform, From = nameof(Context))] public partial Layer ContextVec { get; }
            [Dot(nameof(Interaction), nameof(ContextVec))] public partial Layer Score { get; }
        }
        """;

    public const string ReshapeGap = """
        using Axon;
        namespace Demo;

        [Model(Loss = Loss.SoftmaxCrossEntropy, MaxBatchSize = 8)]
        [Input(6)]
        [Sgd(LearningRate = 0.05f, Momentum = 0.9f)]
        public partial class ReshapeGap
        {
            [Dense(32, Activation.Tanh)] public partial Layer Expand { get; }
            [Reshape(2, 4, 4)] public partial Layer Image { get; }
            [Conv2D(4, 3, Activation.Gelu, Padding = Padding.Same, Bias = false)] public partial Layer Conv { get; }
            [LayerNorm(Epsilon = 1e-5f)] public partial Layer Norm { get; }
            [Reshape(64)] public partial Layer Flat { get; }
            [Reshape(4, 4, 4)] public partial Layer Back { get; }
            [AvgPool2D(2, Stride = 1)] public partial Layer Smooth { get; }
            [GlobalAveragePool] public partial Layer Pool { get; }
            [Dropout(0.25f)] public partial Layer Drop { get; }
            [Dense(3)] public partial Layer Logits { get; }
        }
        """;

    public const string SequenceForecaster = """
        using Axon;
        namespace Demo;

        [Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 32)]
        [Input(30, 4)]
        public partial class SequenceForecaster
        {
            [Lstm(32, ReturnSequences = true)] public partial Layer Encoder { get; }
            [Dropout(0.2f)] public partial Layer Drop { get; }
            [Gru(16)] public partial Layer Decoder { get; }
            [Dense(1)] public partial Layer Forecast { get; }
        }
        """;

    public const string SequenceConv = """
        using Axon;
        namespace Demo;

        [Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 16)]
        [Input(30, 4)]
        [Adam(LearningRate = 0.003f)]
        public partial class SequenceConv
        {
            [Conv1D(8, 3, Activation.Relu, Padding = Padding.Causal, Dilation = 2)] public partial Layer Causal { get; }
            [Conv1D(8, 1, Activation.Gelu)] public partial Layer Mix { get; }
            [MaxPool1D(2)] public partial Layer Pool { get; }
            [Conv1D(6, 3, Stride = 2, Padding = Padding.Same, Bias = false)] public partial Layer Strided { get; }
            [AvgPool1D(2, Stride = 1, Padding = Padding.Same)] public partial Layer Smooth { get; }
            [Dense(4, Activation.Tanh)] public partial Layer PerStep { get; }
            [GlobalAveragePool1D] public partial Layer Mean { get; }
            [GlobalMaxPool1D(From = nameof(PerStep))] public partial Layer Peak { get; }
            [Concat(nameof(Mean), nameof(Peak))] public partial Layer Both { get; }
            [Dense(1)] public partial Layer Forecast { get; }
        }
        """;

    public const string Broken = """
        using Axon;
        [Model(Loss = Loss.SoftmaxCrossEntropy)]
        [Input(4)]
        public partial class Broken
        {
            [Dense(0)] public partial Layer Hidden { get; }
            [Dense(3)] public partial Layer Logits { get; }
        }
        public static class Use
        {
            public static float M(Broken b) => b.TrainStep(new float[4], new int[1]) + Broken.InputSize;
        }
        """;

    /// <summary>Every snapshot model by name (the invalid one included).</summary>
    public static readonly System.Collections.Generic.IReadOnlyDictionary<string, string> All = new System.Collections.Generic.Dictionary<string, string>
    {
        [nameof(FashionMlp)] = FashionMlp,
        [nameof(RobustMlp)] = RobustMlp,
        [nameof(FashionCnn)] = FashionCnn,
        [nameof(ResidualScorer)] = ResidualScorer,
        [nameof(Adapted)] = Adapted,
        [nameof(PriceRegressor)] = PriceRegressor,
        [nameof(FraudNet)] = FraudNet,
        [nameof(Recommender)] = Recommender,
        [nameof(ReshapeGap)] = ReshapeGap,
        [nameof(SequenceForecaster)] = SequenceForecaster,
        [nameof(SequenceConv)] = SequenceConv,
        [nameof(Broken)] = Broken,
    };
}
