using System;

namespace Axon.Recommenders;

/// <summary>Accuracy of predicted ratings on a test set.</summary>
/// <param name="Rmse">Root mean squared error <c>√(Σ (r̂ − r)² / n)</c>.</param>
/// <param name="Mae">Mean absolute error <c>Σ |r̂ − r| / n</c>.</param>
/// <param name="Count">Number of test ratings <c>n</c>.</param>
public readonly record struct RatingAccuracy(double Rmse, double Mae, int Count)
{
    /// <summary>RMSE and MAE of <paramref name="predictor"/> on <paramref name="test"/> (sums in double). Allocates nothing.</summary>
    /// <exception cref="ArgumentException"><paramref name="test"/> is empty.</exception>
    public static RatingAccuracy Evaluate(IRatingPredictor predictor, Ratings test)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(test);
        if (test.Count == 0) throw new ArgumentException("the test set has no ratings; expected at least 1.", nameof(test));
        double sq = 0, abs = 0;
        var users = test.Users;
        var items = test.Items;
        var values = test.Values;
        for (int r = 0; r < users.Length; r++)
        {
            double e = (double)predictor.Predict(users[r], items[r]) - values[r];
            sq += e * e;
            abs += Math.Abs(e);
        }
        return new RatingAccuracy(Math.Sqrt(sq / test.Count), abs / test.Count, test.Count);
    }
}
