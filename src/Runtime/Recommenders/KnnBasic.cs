using System;

namespace Axon.Recommenders;

/// <summary>
/// Surprise's <c>KNNBasic</c>: <c>r̂_ui = Σ_{v∈N_i^k(u)} sim(u,v)·r_vi / Σ_{v∈N_i^k(u)} sim(u,v)</c>
/// (user-based; item-based swaps users and items), summing the neighbours with <c>sim &gt; 0</c>
/// among the <c>k</c> most similar that rated <c>i</c>. With fewer than <c>min_k</c> of them, or an
/// unknown user or item, the prediction is the global mean μ. Clipped to the rating scale.
/// Defaults: <c>k = 40</c>, <c>min_k = 1</c>, MSD, user-based (<see cref="KnnOptions"/>).
/// </summary>
public sealed class KnnBasic(KnnOptions? options = null) : KnnBase(options)
{
    /// <inheritdoc/>
    public override string Name => "KNNBasic";

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
                sumRatings += s * (double)ratings[j];
                actual++;
            }
        }
        return actual < Options.MinK || actual == 0 ? GlobalMean : (float)(sumRatings / sumSim);
    }
}
