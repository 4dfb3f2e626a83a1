namespace Axon.Recommenders;

/// <summary>Settings of the neighbourhood algorithms (<see cref="KnnBasic"/>, <see cref="KnnWithMeans"/>), with Surprise's defaults.</summary>
public sealed record KnnOptions
{
    /// <summary>Largest number of neighbours aggregated. Default: 40.</summary>
    public int K { get; init; } = 40;

    /// <summary>Fewest neighbours with positive similarity needed; with fewer, the algorithm's fallback applies. Default: 1.</summary>
    public int MinK { get; init; } = 1;

    /// <summary>Similarity between users (user-based) or items. Default: <see cref="Similarity.Msd"/>.</summary>
    public Similarity Similarity { get; init; } = Similarity.Msd;

    /// <summary>Compare users (true) or items (false). Default: true.</summary>
    public bool UserBased { get; init; } = true;

    /// <summary>Minimum number of common items (users) for a non-zero similarity. Default: 1.</summary>
    public int MinSupport { get; init; } = 1;

    /// <summary>Shrinkage of <see cref="Similarity.PearsonBaseline"/>. Default: 100.</summary>
    public double Shrinkage { get; init; } = 100;

    /// <summary>Baselines for <see cref="Similarity.PearsonBaseline"/>. Default: ALS with Surprise's settings.</summary>
    public BaselineOptions Baselines { get; init; } = new();
}
