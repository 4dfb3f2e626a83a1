using System.Text.Json.Serialization;

namespace MarketPrediction;

/// <summary>
/// One model's score on one task over every fold's test period (the --json row). Seed is null for the deterministic baselines,
/// DirectionAccuracy null where the sign means nothing (volatility).
/// </summary>
public sealed record ResultRow(
    [property: JsonPropertyName("task")] string Task,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("seed")] int? Seed,
    [property: JsonPropertyName("rmse")] double Rmse,
    [property: JsonPropertyName("mae")] double Mae,
    [property: JsonPropertyName("direction_accuracy")] double? DirectionAccuracy);
