namespace Axon.Metrics;

/// <summary>
/// The cost of each outcome of a binary decision, for <see cref="Thresholds.MinimumCost"/>: the total cost of a threshold is
/// <c>TP·TruePositive + FP·FalsePositive + FN·FalseNegative + TN·TrueNegative</c>. In credit, a false negative
/// (a bad loan approved) costs the lost principal, a false positive (a good applicant refused) the lost margin.
/// </summary>
/// <param name="FalsePositive">Cost of a negative flagged as positive.</param>
/// <param name="FalseNegative">Cost of a positive missed.</param>
/// <param name="TruePositive">Cost (negative: gain) of a positive caught. Default: 0.</param>
/// <param name="TrueNegative">Cost (negative: gain) of a negative passed. Default: 0.</param>
public readonly record struct BinaryCosts(double FalsePositive, double FalseNegative, double TruePositive = 0, double TrueNegative = 0);
