using System;

namespace Axon.Recommenders;

/// <summary>
/// Surprise's <c>KNNWithMeans</c>:
/// <c>r̂_ui = μ_u + Σ_{v∈N_i^k(u)} sim(u,v)·(r_vi − μ_v) / Σ_{v∈N_i^k(u)} sim(u,v)</c>
/// (user-based, <c>μ_u</c> the mean of <c>u</c>'s training ratings; item-based swaps users and items),
/// summing the neighbours with <c>sim &gt; 0</c> among the <c>k</c> most similar that rated <c>i</c>. With
/// fewer than <c>min_k</c> of them the prediction is <c>μ_u</c>; for an unknown user or item it is the
/// global mean. Clipped to the rating scale. Defaults: <c>k = 40</c>, <c>min_k = 1</c>, MSD, user-based.
/// </summary>
public sealed class KnnWithMeans(KnnOptions? options = null) : KnnBase(options)
{
    private float[] _means = [];

    /// <inheritdoc/>
    public override string Name => "KNNWithMeans";

    /// <summary>The mean training rating of each user (user-based) or item.</summary>
    public ReadOnlySpan<float> Means => _means;

    /// <inheritdoc/>
    protected override void FitMore(RatingMatrix byX)
    {
        var means = new float[byX.RowCount];
        for (int x = 0; x < means.Length; x++)
        {
            var r = byX.Values(x);
            double s = 0;
            foreach (float v in r) s += v;
            means[x] = r.Length == 0 ? 0f : (float)(s / r.Length);
        }
        _means = means;
    }

    /// <inheritdoc/>
    protected override float Aggregate(int x, ReadOnlySpan<int> neighbours, ReadOnlySpan<float> similarities, ReadOnlySpan<float> ratings)
    {
        double sumSim = 0, sumRatings = 0;
        int actual = 0;
        for (int j = 0; j < neighbours.Length; j++)
        {
            float s = similarities[j];
            if (s > 0)
            {
                sumSim += s;
                sumRatings += s * ((double)ratings[j] - _means[neighbours[j]]);
                actual++;
            }
        }
        double est = _means[x];
        if (actual >= Options.MinK && sumSim > 0) est += sumRatings / sumSim;
        return (float)est;
    }
}
