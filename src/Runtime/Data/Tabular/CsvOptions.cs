using System.Collections.Generic;

namespace Axon.Data.Tabular;

/// <summary>How <see cref="Csv"/> reads a file. Every property has a default, so <c>new CsvOptions()</c> reads a comma-separated file with a header.</summary>
public sealed class CsvOptions
{
    /// <summary>
    /// Field texts that mean "missing", compared exactly after unquoting. Default: the empty field and <c>NA</c>
    /// (how R's <c>write.csv</c> and most exports write a missing value).
    /// </summary>
    public IReadOnlyList<string> MissingValues { get; init; } = ["", "NA"];

    /// <summary>
    /// Columns read as categories even when every value parses as a number (codes such as a postcode or
    /// a product id). Default: none; a column is numeric when each of its non-missing values parses as a
    /// number (invariant culture) and categorical otherwise.
    /// </summary>
    public IReadOnlyList<string> Categorical { get; init; } = [];

    /// <summary>
    /// Columns that must be numeric: a value that does not parse is an error naming its line and column
    /// (instead of turning the column into categories). Default: none.
    /// </summary>
    public IReadOnlyList<string> Numeric { get; init; } = [];

    /// <summary>The separator. Default: <c>','</c>.</summary>
    public char Separator { get; init; } = ',';
}
