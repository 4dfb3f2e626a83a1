using System;
using Axon.Data;

namespace Axon.Recommenders;

/// <summary>
/// Datasets for Axon models with two id inputs <c>(user, item)</c>: each sample's features are the
/// user index and the item index, as floats holding integers (what <c>[Input(1, Ids = true)]</c> reads).
/// </summary>
public static class RatingData
{
    /// <summary>
    /// Explicit feedback: features <c>(u, i)</c>, target <c>r_ui − offset</c>. Training on centred targets
    /// (offset = the global mean μ) is how a constant μ enters the model without a parameter for it.
    /// </summary>
    public static Dataset Explicit(Ratings ratings, float offset = 0f)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        var features = new float[ratings.Count * 2];
        var targets = new float[ratings.Count];
        for (int r = 0; r < ratings.Count; r++)
        {
            features[2 * r] = ratings.Users[r];
            features[2 * r + 1] = ratings.Items[r];
            targets[r] = ratings.Values[r] - offset;
        }
        return Dataset.FromRegression(features, targets, 2);
    }

    /// <summary>
    /// Implicit feedback ("rated or not"): every rating is a positive <c>(u, i) → 1</c>, and for each one
    /// <paramref name="negatives"/> items the user has not rated are drawn uniformly (from <paramref name="seed"/>)
    /// as negatives <c>(u, j) → 0</c>, for a binary cross-entropy model. Draw again every epoch (a new seed)
    /// so the model sees fresh negatives.
    /// </summary>
    /// <exception cref="ArgumentException">A user has rated every item, so no negative exists.</exception>
    public static Dataset Implicit(RatingMatrix byUser, int negatives, long seed)
    {
        ArgumentNullException.ThrowIfNull(byUser);
        if (negatives < 0) throw new ArgumentOutOfRangeException(nameof(negatives), negatives, "negatives must be ≥ 0.");
        int items = byUser.ColumnCount;
        var rated = new bool[items];
        int n = byUser.Count * (1 + negatives);
        var features = new float[n * 2];
        var targets = new float[n];
        var rng = new Rng(seed);
        int at = 0;
        for (int u = 0; u < byUser.RowCount; u++)
        {
            var mine = byUser.Columns(u);
            if (mine.Length == 0) continue;
            if (mine.Length >= items && negatives > 0)
                throw new ArgumentException($"user {u} has rated all {items} items, so there is no negative to sample.", nameof(byUser));
            foreach (int i in mine) rated[i] = true;
            foreach (int i in mine)
            {
                features[2 * at] = u;
                features[2 * at + 1] = i;
                targets[at++] = 1f;
                for (int k = 0; k < negatives; k++)
                {
                    int j;
                    do j = rng.NextInt(items); while (rated[j]);
                    features[2 * at] = u;
                    features[2 * at + 1] = j;
                    targets[at++] = 0f;
                }
            }
            foreach (int i in mine) rated[i] = false;
        }
        return Dataset.FromRegression(features, targets, 2);
    }
}
