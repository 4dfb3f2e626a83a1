using System;

namespace Axon.Recommenders;

/// <summary>
/// The top-N baseline: every user is offered the items rated most often in training. Its score for
/// <c>(u, i)</c> is <c>|U_i|</c>, the number of training ratings of <c>i</c> (a ranking score, not a rating).
/// </summary>
public sealed class MostPopular : IRatingPredictor
{
    private float[] _counts = [];

    /// <inheritdoc/>
    public string Name => "MostPopular";

    /// <inheritdoc/>
    public void Fit(Ratings train)
    {
        ArgumentNullException.ThrowIfNull(train);
        var counts = new float[train.ItemCount];
        foreach (int i in train.Items) counts[i]++;
        _counts = counts;
    }

    /// <summary>The number of training ratings of <paramref name="item"/>.</summary>
    public float Predict(int user, int item) => _counts[item];

    /// <inheritdoc/>
    public void ScoreItems(int user, Span<float> scores) => _counts.AsSpan(0, Math.Min(_counts.Length, scores.Length)).CopyTo(scores);
}
