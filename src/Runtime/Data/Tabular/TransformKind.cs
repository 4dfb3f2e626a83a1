namespace Axon.Data.Tabular;

/// <summary>What a <see cref="ColumnTransform"/> makes of its column.</summary>
public enum TransformKind
{
    /// <summary>A numeric column: imputed, optionally log1p, scaled, optionally clipped; one value (plus a missing indicator when asked).</summary>
    Numeric = 0,

    /// <summary>A categorical column as one-hot: one 0/1 value per training category, and one for any other (unseen or missing).</summary>
    OneHot = 1,

    /// <summary>A categorical column as one integer id for an Embedding input: 1..K for the training categories, 0 for any other.</summary>
    Ids = 2,
}
