namespace Axon.Data.Tabular;

/// <summary>How <see cref="TabularPipeline.Numeric(string, Scaling, bool, Missing, double?)"/> scales a column, with statistics of the training rows.</summary>
public enum Scaling
{
    /// <summary><c>(x − μ)/σ</c> with the training mean μ and population standard deviation σ (σ = 0 → 1). The default.</summary>
    Standardize = 0,

    /// <summary><c>(x − min)/(max − min)</c> with the training minimum and maximum (a zero range → 1): [0, 1] on training data, outside it on new data.</summary>
    MinMax = 1,

    /// <summary>The value as it is (after the log when asked).</summary>
    None = 2,
}
