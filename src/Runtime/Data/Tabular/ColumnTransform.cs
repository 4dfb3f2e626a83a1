using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Axon.Data.Tabular;

/// <summary>
/// One column's declared transform in a <see cref="TabularPipeline"/> and, once fitted, what it learned from the
/// training rows (<see cref="Fill"/>, <see cref="Center"/>, <see cref="Scale"/>, <see cref="Categories"/>).
/// This is what the pipeline's JSON file holds.
/// </summary>
public sealed class ColumnTransform
{
    /// <summary>The source column's name.</summary>
    public required string Column { get; init; }

    /// <summary>What the column becomes.</summary>
    public TransformKind Kind { get; init; }

    /// <summary>For <see cref="TransformKind.Numeric"/>: the scaling. Default: <see cref="Scaling.Standardize"/>.</summary>
    public Scaling Scaling { get; init; }

    /// <summary>For <see cref="TransformKind.Numeric"/>: apply <c>log(1 + x)</c> before scaling (amounts spread over orders of magnitude); values must be &gt; −1.</summary>
    public bool Log1p { get; init; }

    /// <summary>For <see cref="TransformKind.Numeric"/>: the missing-value policy. Default: <see cref="Missing.Median"/>.</summary>
    public Missing Missing { get; init; }

    /// <summary>For <see cref="TransformKind.Numeric"/>: clip the scaled value to ±Clip; null: no clipping.</summary>
    public double? Clip { get; init; }

    /// <summary>For <see cref="TransformKind.Ids"/>: the embedding's vocabulary (ids 0..Vocabulary−1), checked at fit time; null: not checked.</summary>
    public int? Vocabulary { get; init; }

    /// <summary>Fitted: the training median of the raw values, the fill for a missing value.</summary>
    [JsonInclude] public double Fill { get; internal set; }

    /// <summary>Fitted: the training mean (Standardize) or minimum (MinMax) of the (logged) values; 0 for None.</summary>
    [JsonInclude] public double Center { get; internal set; }

    /// <summary>Fitted: the training standard deviation (Standardize) or range (MinMax); 1 for None or a constant column.</summary>
    [JsonInclude] public double Scale { get; internal set; } = 1;

    /// <summary>Fitted, categorical kinds: the training categories in ordinal order; category i has one-hot position i and id i + 1.</summary>
    [JsonInclude] public string[] Categories { get; internal set; } = [];

    /// <summary>Values this transform writes per row (valid once fitted for the categorical kinds).</summary>
    [JsonIgnore]
    public int Width => Kind switch
    {
        TransformKind.Numeric => Missing == Missing.MedianAndIndicator ? 2 : 1,
        TransformKind.OneHot => Categories.Length + 1,
        _ => 1,
    };

    /// <summary>Names of the values this transform writes: <c>Income</c>, <c>Income (missing)</c>, <c>Home=rent</c>, <c>Home=(other)</c>, <c>State (id)</c>.</summary>
    [JsonIgnore]
    public IEnumerable<string> FeatureNames
    {
        get
        {
            switch (Kind)
            {
                case TransformKind.Numeric:
                    yield return Column;
                    if (Missing == Missing.MedianAndIndicator) yield return Column + " (missing)";
                    break;
                case TransformKind.OneHot:
                    foreach (var c in Categories) yield return $"{Column}={c}";
                    yield return Column + "=(other)";
                    break;
                default:
                    yield return Column + " (id)";
                    break;
            }
        }
    }
}
