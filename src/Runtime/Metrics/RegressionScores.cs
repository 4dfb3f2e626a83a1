namespace Axon.Metrics;

/// <summary>The scores <see cref="RegressionMetrics.Score"/> computes over one set of predictions.</summary>
/// <param name="Count">Number of predictions scored, n.</param>
/// <param name="MeanAbsoluteError"><c>(1/n) Σ |ŷ_i − y_i|</c>.</param>
/// <param name="RootMeanSquaredError"><c>√((1/n) Σ (ŷ_i − y_i)²)</c>.</param>
/// <param name="RSquared"><c>1 − Σ (ŷ_i − y_i)² / Σ (y_i − ȳ)²</c>; NaN when the actual values are all equal.</param>
/// <param name="DirectionAccuracy">The hit rate of predicted signs (½ for a zero on either side); NaN when not asked for.</param>
public readonly record struct RegressionScores(int Count, double MeanAbsoluteError, double RootMeanSquaredError, double RSquared, double DirectionAccuracy);
