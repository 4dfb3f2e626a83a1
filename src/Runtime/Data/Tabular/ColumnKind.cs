namespace Axon.Data.Tabular;

/// <summary>What a <see cref="Table"/> column holds.</summary>
public enum ColumnKind
{
    /// <summary>Numbers (doubles); a missing value is <see cref="double.NaN"/>.</summary>
    Numeric = 0,

    /// <summary>Category names (strings); a missing value is null.</summary>
    Categorical = 1,
}
