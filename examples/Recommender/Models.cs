using Axon;

namespace RecommenderExample;

// Sizes of MovieLens latest-small: 610 users, 9,724 rated movies (dense indices from Axon.Recommenders.MovieLens).

/// <summary>
/// Biased matrix factorisation (Surprise's SVD, Koren 2009) as a network:
/// <c>r̂_ui − μ = p_u·q_i + b_u + b_i</c>; μ enters by centring the targets. The factors get weight decay
/// (<see cref="Layer.WeightDecay"/>, set by the lesson), the biases a smaller one.
/// </summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 1024, Seed = 1)]
[Adam(LearningRate = 0.005f)]
public partial class BiasedMF
{
    [Input(1, Ids = true)] public partial Layer User { get; }
    [Input(1, Ids = true)] public partial Layer Item { get; }
    [Embedding(610, 64, From = nameof(User))] public partial Layer UserFactors { get; }
    [Embedding(9724, 64, From = nameof(Item))] public partial Layer ItemFactors { get; }
    [Embedding(610, 1, From = nameof(User))] public partial Layer UserBias { get; }
    [Embedding(9724, 1, From = nameof(Item))] public partial Layer ItemBias { get; }
    [Dot(nameof(UserFactors), nameof(ItemFactors))] public partial Layer Interaction { get; }
    [Add(nameof(Interaction), nameof(UserBias), nameof(ItemBias))] public partial Layer Rating { get; }
}

/// <summary>
/// Neural collaborative filtering (He et al. 2017, the MLP part): user and item embeddings end to end,
/// through two ReLU layers to the centred rating.
/// </summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 1024, Seed = 2)]
[Adam(LearningRate = 0.002f)]
public partial class NeuralCF
{
    [Input(1, Ids = true)] public partial Layer User { get; }
    [Input(1, Ids = true)] public partial Layer Item { get; }
    [Embedding(610, 32, From = nameof(User))] public partial Layer UserVec { get; }
    [Embedding(9724, 32, From = nameof(Item))] public partial Layer ItemVec { get; }
    [Concat(nameof(UserVec), nameof(ItemVec))] public partial Layer Joined { get; }
    [Dense(64, Activation.Relu)] public partial Layer Hidden1 { get; }
    [Dense(32, Activation.Relu)] public partial Layer Hidden2 { get; }
    [Dense(1)] public partial Layer Rating { get; }
}

/// <summary>
/// Implicit feedback: the logit that user u rated item i, <c>p_u·q_i + b_i</c>, trained with binary
/// cross-entropy on the ratings (1) and sampled unrated items (0), for top-N.
/// </summary>
[Model(Loss = Loss.BinaryCrossEntropy, MaxBatchSize = 1024, Seed = 3)]
[Adam(LearningRate = 0.005f)]
public partial class ImplicitMF
{
    [Input(1, Ids = true)] public partial Layer User { get; }
    [Input(1, Ids = true)] public partial Layer Item { get; }
    [Embedding(610, 32, From = nameof(User))] public partial Layer UserFactors { get; }
    [Embedding(9724, 32, From = nameof(Item))] public partial Layer ItemFactors { get; }
    [Embedding(9724, 1, From = nameof(Item))] public partial Layer ItemBias { get; }
    [Dot(nameof(UserFactors), nameof(ItemFactors))] public partial Layer Interaction { get; }
    [Add(nameof(Interaction), nameof(ItemBias))] public partial Layer Logit { get; }
}
