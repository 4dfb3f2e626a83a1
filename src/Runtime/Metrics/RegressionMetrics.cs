using System;

namespace Axon.Metrics;

/// <summary>
/// Error measures of a regression: predictions <c>ŷ_i</c> against actual values <c>y_i</c>, <c>i = 1..n</c>. Sums are taken in
/// double precision, so a long series loses nothing to float rounding. No method allocates; each throws
/// <see cref="ArgumentException"/> when the two spans differ in length. An empty input gives NaN (the mean of nothing is undefined).
/// </summary>
public static class RegressionMetrics
{
    /// <summary>The sum of absolute errors, <c>Σ |ŷ_i − y_i|</c> (0 for empty spans).</summary>
    /// <param name="predictions">The predictions ŷ.</param>
    /// <param name="actual">The actual values y, as many as predictions.</param>
    public static double AbsoluteErrorSum(ReadOnlySpan<float> predictions, ReadOnlySpan<float> actual)
    {
        CheckLengths(predictions, actual);
        double sum = 0;
        for (int i = 0; i < predictions.Length; i++) sum += Math.Abs((double)predictions[i] - actual[i]);
        return sum;
    }

    /// <summary>Mean absolute error, <c>MAE = (1/n) Σ |ŷ_i − y_i|</c>, in the units of y.</summary>
    /// <param name="predictions">The predictions ŷ.</param>
    /// <param name="actual">The actual values y, as many as predictions.</param>
    public static double MeanAbsoluteError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> actual) =>
        predictions.IsEmpty && actual.IsEmpty ? double.NaN : AbsoluteErrorSum(predictions, actual) / predictions.Length;

    /// <summary>Mean squared error, <c>MSE = (1/n) Σ (ŷ_i − y_i)²</c>.</summary>
    /// <param name="predictions">The predictions ŷ.</param>
    /// <param name="actual">The actual values y, as many as predictions.</param>
    public static double MeanSquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> actual)
    {
        CheckLengths(predictions, actual);
        if (predictions.IsEmpty) return double.NaN;
        double sum = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            double e = (double)predictions[i] - actual[i];
            sum += e * e;
        }
        return sum / predictions.Length;
    }

    /// <summary>Root mean squared error, <c>RMSE = √((1/n) Σ (ŷ_i − y_i)²)</c>, in the units of y.</summary>
    /// <param name="predictions">The predictions ŷ.</param>
    /// <param name="actual">The actual values y, as many as predictions.</param>
    public static double RootMeanSquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> actual) =>
        Math.Sqrt(MeanSquaredError(predictions, actual));

    /// <summary>
    /// Coefficient of determination, <c>R² = 1 − Σ (ŷ_i − y_i)² / Σ (y_i − ȳ)²</c> with <c>ȳ</c> the mean of the actual values
    /// (scikit-learn's <c>r2_score</c>). 1 is a perfect fit, 0 is no better than predicting ȳ, and it is negative for a model
    /// worse than that. Note that ȳ is the mean of the values being scored: on a test period, a forecaster that predicts the
    /// training mean scores slightly below 0.
    /// </summary>
    /// <param name="predictions">The predictions ŷ.</param>
    /// <param name="actual">The actual values y, as many as predictions.</param>
    /// <returns>R²; NaN when empty or when every actual value is the same (the denominator is 0).</returns>
    public static double RSquared(ReadOnlySpan<float> predictions, ReadOnlySpan<float> actual)
    {
        CheckLengths(predictions, actual);
        if (predictions.IsEmpty) return double.NaN;
        double mean = 0;
        for (int i = 0; i < actual.Length; i++) mean += actual[i];
        mean /= actual.Length;
        double residual = 0, total = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double e = (double)predictions[i] - actual[i], d = actual[i] - mean;
            residual += e * e;
            total += d * d;
        }
        return total == 0 ? double.NaN : 1 - residual / total;
    }

    /// <summary>
    /// Direction accuracy (hit rate) of predicted changes, for targets that are themselves changes (returns):
    /// <c>(1/n) Σ h_i</c> with <c>h_i = 1</c> when <c>sign(ŷ_i) = sign(y_i) ≠ 0</c>, <c>0</c> when the signs are opposite, and
    /// <c>½</c> when either is 0 (no direction was called, or none happened). A forecast of 0 every time therefore scores exactly
    /// 0.5, the coin flip; a useful forecaster scores above it.
    /// </summary>
    /// <param name="predictions">The predicted changes ŷ.</param>
    /// <param name="actual">The actual changes y, as many as predictions.</param>
    /// <returns>The hit rate in [0, 1]; NaN when empty.</returns>
    public static double DirectionAccuracy(ReadOnlySpan<float> predictions, ReadOnlySpan<float> actual)
    {
        CheckLengths(predictions, actual);
        if (predictions.IsEmpty) return double.NaN;
        double hits = 0;
        for (int i = 0; i < predictions.Length; i++) hits += Hit(predictions[i], actual[i]);
        return hits / predictions.Length;
    }

    /// <summary>
    /// Direction accuracy of predicted levels (prices) against a reference level, usually the last observed value:
    /// <see cref="DirectionAccuracy(ReadOnlySpan{float}, ReadOnlySpan{float})"/> of the changes <c>ŷ_i − r_i</c> against
    /// <c>y_i − r_i</c>.
    /// </summary>
    /// <param name="predictions">The predicted levels ŷ.</param>
    /// <param name="actual">The actual levels y.</param>
    /// <param name="reference">The level each change is measured from (r), as many as predictions.</param>
    /// <returns>The hit rate in [0, 1]; NaN when empty.</returns>
    public static double DirectionAccuracy(ReadOnlySpan<float> predictions, ReadOnlySpan<float> actual, ReadOnlySpan<float> reference)
    {
        CheckLengths(predictions, actual);
        CheckLengths(predictions, reference, nameof(reference));
        if (predictions.IsEmpty) return double.NaN;
        double hits = 0;
        for (int i = 0; i < predictions.Length; i++)
            hits += Hit((double)predictions[i] - reference[i], (double)actual[i] - reference[i]);
        return hits / predictions.Length;
    }

    /// <summary>
    /// All of the above in one pass over the data: MAE, RMSE, R² and, when <paramref name="direction"/> is true (the targets are
    /// changes, such as returns), the direction accuracy; NaN for it otherwise.
    /// </summary>
    /// <param name="predictions">The predictions ŷ.</param>
    /// <param name="actual">The actual values y, as many as predictions.</param>
    /// <param name="direction">Whether the sign of the target means something (returns: yes; prices, volatilities: no). Default: false.</param>
    public static RegressionScores Score(ReadOnlySpan<float> predictions, ReadOnlySpan<float> actual, bool direction = false) =>
        new(predictions.Length, MeanAbsoluteError(predictions, actual), RootMeanSquaredError(predictions, actual),
            RSquared(predictions, actual), direction ? DirectionAccuracy(predictions, actual) : double.NaN);

    private static double Hit(double predicted, double actual)
    {
        if (predicted == 0 || actual == 0) return 0.5;
        return (predicted > 0) == (actual > 0) ? 1 : 0;
    }

    private static void CheckLengths(ReadOnlySpan<float> predictions, ReadOnlySpan<float> other, string name = "actual")
    {
        if (predictions.Length != other.Length)
            throw new ArgumentException($"{name} has {other.Length} values; expected one per prediction, {predictions.Length}.", name);
    }
}
