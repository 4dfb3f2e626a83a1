using System;
using System.Collections.Generic;
using System.Linq;

namespace Axon.Data.Tabular;

/// <summary>
/// A table read from a CSV file (<see cref="Csv"/>): columns by name, each numeric (doubles, NaN where
/// missing) or categorical (strings, null where missing). Immutable; rows are numbered from 0 in file
/// order (row r is on line r + 2 of a file with a header and no multi-line fields).
/// </summary>
public sealed class Table
{
    private readonly Dictionary<string, int> _index;
    private readonly ColumnKind[] _kinds;
    private readonly double[]?[] _numbers;
    private readonly string?[]?[] _categories;

    /// <summary>
    /// Creates a table from columns given as arrays of equal length: a <c>double[]</c> is a numeric column (NaN is
    /// missing), a <c>string?[]</c> a categorical one (null is missing). The arrays are used as given, not copied.
    /// </summary>
    /// <param name="columns">Name and values of each column, in order.</param>
    /// <param name="source">Where the data came from, used in messages. Default: "table".</param>
    /// <exception cref="ArgumentException">No columns, a repeated name, columns of different lengths, or a value array of another type.</exception>
    public Table(IEnumerable<(string Name, Array Values)> columns, string source = "table")
    {
        ArgumentNullException.ThrowIfNull(columns);
        var list = columns.ToList();
        if (list.Count == 0) throw new ArgumentException("a table needs at least one column; none was given.", nameof(columns));
        Source = source;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        _kinds = new ColumnKind[list.Count];
        _numbers = new double[]?[list.Count];
        _categories = new string?[]?[list.Count];
        var names = new string[list.Count];
        RowCount = list[0].Values.Length;
        for (int c = 0; c < list.Count; c++)
        {
            var (name, values) = list[c];
            if (!_index.TryAdd(name, c))
                throw new ArgumentException($"{source}: column '{name}' appears twice; column names must be unique.", nameof(columns));
            if (values.Length != RowCount)
                throw new ArgumentException($"{source}: column '{name}' has {values.Length} rows, expected {RowCount} (as '{list[0].Name}').", nameof(columns));
            names[c] = name;
            switch (values)
            {
                case double[] numbers: _kinds[c] = ColumnKind.Numeric; _numbers[c] = numbers; break;
                case string?[] categories: _kinds[c] = ColumnKind.Categorical; _categories[c] = categories; break;
                default:
                    throw new ArgumentException($"{source}: column '{name}' is a {values.GetType().Name}; expected double[] (numeric) or string[] (categorical).", nameof(columns));
            }
        }
        ColumnNames = names;
    }

    /// <summary>Where the data came from (the file path for <see cref="Csv.Read(string, CsvOptions)"/>), used in messages.</summary>
    public string Source { get; }

    /// <summary>The column names, in file order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Number of rows (not counting the header).</summary>
    public int RowCount { get; }

    /// <summary>Whether the table has a column called <paramref name="column"/> (case-sensitive).</summary>
    public bool HasColumn(string column) => _index.ContainsKey(column);

    /// <summary>The kind of <paramref name="column"/>.</summary>
    /// <exception cref="ArgumentException">No such column.</exception>
    public ColumnKind KindOf(string column) => _kinds[IndexOf(column)];

    /// <summary>The values of a numeric column, NaN where missing.</summary>
    /// <exception cref="ArgumentException">No such column, or it is categorical.</exception>
    public ReadOnlySpan<double> Numbers(string column)
    {
        int c = IndexOf(column);
        return _numbers[c] ?? throw new ArgumentException(
            $"{Source}: column '{column}' is categorical (e.g. '{_categories[c]!.FirstOrDefault(v => v is not null)}'), not numeric.", nameof(column));
    }

    /// <summary>The values of a categorical column, null where missing.</summary>
    /// <exception cref="ArgumentException">No such column, or it is numeric.</exception>
    public IReadOnlyList<string?> Categories(string column)
    {
        int c = IndexOf(column);
        return _categories[c] ?? throw new ArgumentException(
            $"{Source}: column '{column}' is numeric, not categorical; read it with CsvOptions.Categorical = [\"{column}\"] to treat its values as categories.", nameof(column));
    }

    /// <summary>Whether the value of <paramref name="column"/> in <paramref name="row"/> is missing.</summary>
    public bool IsMissing(string column, int row)
    {
        int c = IndexOf(column);
        if ((uint)row >= (uint)RowCount) throw new ArgumentOutOfRangeException(nameof(row), row, $"{Source} has rows 0..{RowCount - 1}.");
        return _numbers[c] is { } n ? double.IsNaN(n[row]) : _categories[c]![row] is null;
    }

    /// <summary>Number of missing values in <paramref name="column"/>.</summary>
    public int MissingCount(string column)
    {
        int c = IndexOf(column);
        return _numbers[c] is { } n ? n.Count(double.IsNaN) : _categories[c]!.Count(v => v is null);
    }

    /// <summary>
    /// Binary labels from a column: 1 where the value is <paramref name="positive"/> (a category name, or for a
    /// numeric column a number written the same way), 0 elsewhere.
    /// </summary>
    /// <exception cref="ArgumentException">No such column, a missing value (naming its row), or no row has <paramref name="positive"/>.</exception>
    public int[] BinaryLabels(string column, string positive)
    {
        int c = IndexOf(column);
        var labels = new int[RowCount];
        int count = 0;
        for (int r = 0; r < RowCount; r++)
        {
            string? value = _numbers[c] is { } n
                ? (double.IsNaN(n[r]) ? null : n[r].ToString(System.Globalization.CultureInfo.InvariantCulture))
                : _categories[c]![r];
            if (value is null)
                throw new ArgumentException($"{Source}: row {r} (line {r + 2}), column '{column}': the label is missing; drop such rows first (Table.WithoutMissing).", nameof(column));
            if (value == positive) { labels[r] = 1; count++; }
        }
        if (count == 0)
            throw new ArgumentException($"{Source}: no row of column '{column}' is '{positive}'; its values include {string.Join(", ", Distinct(c).Take(5).Select(v => $"'{v}'"))}.", nameof(positive));
        return labels;
    }

    /// <summary>The rows where none of <paramref name="columns"/> is missing, as a new table (for a label column that has gaps).</summary>
    public Table WithoutMissing(params string[] columns)
    {
        var keep = Enumerable.Range(0, RowCount).Where(r => columns.All(c => !IsMissing(c, r))).ToArray();
        return Rows(keep);
    }

    /// <summary>The given rows, in the given order, as a new table (the values are copied).</summary>
    public Table Rows(ReadOnlySpan<int> rows)
    {
        var columns = new List<(string, Array)>(_kinds.Length);
        for (int c = 0; c < _kinds.Length; c++)
        {
            if (_numbers[c] is { } n)
            {
                var copy = new double[rows.Length];
                for (int i = 0; i < rows.Length; i++) copy[i] = n[CheckRow(rows[i])];
                columns.Add((ColumnNames[c], copy));
            }
            else
            {
                var source = _categories[c]!;
                var copy = new string?[rows.Length];
                for (int i = 0; i < rows.Length; i++) copy[i] = source[CheckRow(rows[i])];
                columns.Add((ColumnNames[c], copy));
            }
        }
        return new Table(columns, Source);
    }

    private int CheckRow(int row) =>
        (uint)row < (uint)RowCount ? row : throw new ArgumentOutOfRangeException(nameof(row), row, $"{Source} has rows 0..{RowCount - 1}.");

    private IEnumerable<string> Distinct(int c) => _numbers[c] is { } n
        ? n.Where(v => !double.IsNaN(v)).Distinct().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))
        : _categories[c]!.OfType<string>().Distinct();

    private int IndexOf(string column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (_index.TryGetValue(column, out int c)) return c;
        var near = ColumnNames.FirstOrDefault(n => string.Equals(n, column, StringComparison.OrdinalIgnoreCase));
        throw new ArgumentException(
            $"{Source} has no column '{column}'{(near is null ? "" : $" (did you mean '{near}'?)")}; its columns are: {string.Join(", ", ColumnNames)}.", nameof(column));
    }
}
