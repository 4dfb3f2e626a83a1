using System;

namespace Axon.Recommenders;

/// <summary>
/// Surprise's <c>BaselineOnly</c>: <c>r̂_ui = μ + b_u + b_i</c>, with <c>b_u</c> (resp. <c>b_i</c>) taken
/// as 0 for a user (item) without training ratings, clipped to the rating scale. The biases come from
/// <see cref="Baselines.Compute"/> (ALS, <c>λ_i = 10</c>, <c>λ_u = 15</c>, 10 epochs by default).
/// </summary>
public sealed class BaselineOnly(BaselineOptions? options = null) : IRatingPredictor
{
    private RatingCatalog? _catalog;
    private float[] _bu = [];
    private float[] _bi = [];
    private float _mean;

    /// <summary>The baseline settings.</summary>
    public BaselineOptions Options { get; } = options ?? new BaselineOptions();

    /// <inheritdoc/>
    public string Name => "BaselineOnly";

    /// <summary>The global mean μ of the training ratings.</summary>
    public float GlobalMean => _mean;

    /// <summary>The user biases <c>b_u</c>.</summary>
    public ReadOnlySpan<float> UserBias => _bu;

    /// <summary>The item biases <c>b_i</c>.</summary>
    public ReadOnlySpan<float> ItemBias => _bi;

    /// <inheritdoc/>
    public void Fit(Ratings train)
    {
        ArgumentNullException.ThrowIfNull(train);
        double mean = train.GlobalMean();
        var (bu, bi) = Baselines.Compute(RatingMatrix.ByUser(train), RatingMatrix.ByItem(train), mean, Options);
        _bu = Array.ConvertAll(bu, b => (float)b);
        _bi = Array.ConvertAll(bi, b => (float)b);
        _mean = (float)mean;
        _catalog = train.Catalog;
    }

    /// <inheritdoc/>
    public float Predict(int user, int item)
    {
        var catalog = _catalog ?? throw new InvalidOperationException("BaselineOnly is not fitted; call Fit first.");
        return catalog.Clip(_mean + _bu[user] + _bi[item]);
    }
}
