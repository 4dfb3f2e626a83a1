using System.Text.Json.Serialization;

namespace FraudDetection;

/// <summary>
/// One model on one split's test rows, as <c>--json</c> writes it (the ML.NET peer writes the same shape): the threshold
/// was chosen on the validation rows for the stated recall; recall and precision are what it gives on the test rows.
/// </summary>
public sealed record ResultRow(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("split")] int Split,
    [property: JsonPropertyName("roc_auc")] double RocAuc,
    [property: JsonPropertyName("pr_auc")] double PrAuc,
    [property: JsonPropertyName("recall")] double Recall,
    [property: JsonPropertyName("precision")] double Precision,
    [property: JsonPropertyName("threshold")] double Threshold);
