using System;

namespace Axon.Recommenders;

/// <summary>
/// An algorithm that predicts explicit ratings: <see cref="Fit"/> on a training set, then
/// <see cref="Predict"/> any (user, item) of the same <see cref="RatingCatalog"/>. Predictions are
/// clipped to the catalog's rating scale, and a pair the algorithm cannot score (a user or item
/// without training ratings, too few neighbours) gets its documented default, as in Surprise.
/// </summary>
/// <remarks>
/// <see cref="Predict"/> and <see cref="ScoreItems"/> allocate nothing; they reuse per-instance
/// scratch space, so one instance must not be called from several threads at once.
/// </remarks>
public interface IRatingPredictor
{
    /// <summary>A short name for tables, e.g. <c>KNNWithMeans</c>.</summary>
    string Name { get; }

    /// <summary>Fits on <paramref name="train"/>, replacing anything learnt before.</summary>
    void Fit(Ratings train);

    /// <summary>The predicted rating <c>r̂(user, item)</c>, clipped to the rating scale.</summary>
    float Predict(int user, int item);

    /// <summary>
    /// Writes a score for every item of the catalog to <paramref name="scores"/> (length ≥ ItemCount),
    /// higher meaning more recommended; for rating predictors the predicted rating.
    /// </summary>
    void ScoreItems(int user, Span<float> scores)
    {
        for (int i = 0; i < scores.Length; i++) scores[i] = Predict(user, i);
    }
}
