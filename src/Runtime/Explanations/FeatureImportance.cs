namespace Axon.Explanations;

/// <summary>The importance of one feature (a source column) with its spread.</summary>
/// <param name="Feature">The feature's name (the original column for grouped features).</param>
/// <param name="Importance">The mean importance: for permutation importance, the drop of the score when the feature is shuffled; for attributions, the mean absolute attribution.</param>
/// <param name="StandardDeviation">Its standard deviation over repeats (permutation) or rows (attributions).</param>
public readonly record struct FeatureImportance(string Feature, double Importance, double StandardDeviation);
