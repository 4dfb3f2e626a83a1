using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Axon.Data.Tabular;

namespace Axon.Data.TimeSeries;

/// <summary>
/// A multivariate time series: <see cref="Length"/> rows in time order (row 0 the oldest), <see cref="ColumnCount"/> named
/// columns, stored row-major in <see cref="Values"/> (<c>[Length, ColumnCount]</c>). Cut it into samples with
/// <see cref="SlidingWindows"/>, into periods with <see cref="WalkForward"/>, and scale it with a <see cref="SeriesScaler"/>
/// fitted on the training period.
/// </summary>
/// <remarks>
/// Rows are whatever the data's time step is (business days for closing prices); nothing here looks at calendar dates. The
/// array is used as given, not copied. Every method that derives a series (<see cref="LogReturns"/>, <see cref="Select"/>,
/// <see cref="With"/>, <see cref="Rows"/>) returns a new one and leaves this one unchanged.
/// </remarks>
public sealed class Series
{
    private readonly string[] _columns;
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates a series over <paramref name="values"/> (<c>[length, columns.Count]</c> row-major, time order).</summary>
    /// <param name="values">The values, row after row; every value finite.</param>
    /// <param name="columns">The column names, distinct and at least one.</param>
    /// <exception cref="ArgumentException">No columns, a repeated name, a length that is not a multiple of the column count, or a value that is not finite.</exception>
    public Series(float[] values, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("a series needs at least one column; none was given.", nameof(columns));
        _columns = columns.ToArray();
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < _columns.Length; c++)
            if (!_index.TryAdd(_columns[c], c))
                throw new ArgumentException($"column '{_columns[c]}' appears twice; expected distinct column names.", nameof(columns));
        if (values.Length % _columns.Length != 0)
            throw new ArgumentException(
                $"values has {values.Length} entries; expected a multiple of the {_columns.Length} columns (rows × columns).", nameof(values));
        int bad = Guard.IndexOfNonFinite(values);
        if (bad >= 0)
            throw new ArgumentException(
                $"row {bad / _columns.Length}, column '{_columns[bad % _columns.Length]}' is {values[bad]}; expected finite values.", nameof(values));
        Values = values;
        Length = values.Length / _columns.Length;
    }

    /// <summary>
    /// The numeric <paramref name="columns"/> of <paramref name="table"/>, in that order, rows in the table's order (which must be
    /// time order).
    /// </summary>
    /// <exception cref="ArgumentException">A column is missing, not numeric, or has a missing value (fill or drop those rows first:
    /// a gap in a series has no neutral value).</exception>
    public static Series FromTable(Table table, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length == 0) columns = table.ColumnNames.Where(c => table.KindOf(c) == ColumnKind.Numeric).ToArray();
        var values = new float[table.RowCount * columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            if (!table.HasColumn(columns[c]))
                throw new ArgumentException($"{table.Source} has no column '{columns[c]}'; its columns are {string.Join(", ", table.ColumnNames)}.", nameof(columns));
            if (table.KindOf(columns[c]) != ColumnKind.Numeric)
                throw new ArgumentException($"column '{columns[c]}' of {table.Source} is not numeric; a series holds numbers.", nameof(columns));
            if (table.MissingCount(columns[c]) is int missing and > 0)
                throw new ArgumentException($"column '{columns[c]}' of {table.Source} has {missing} missing values; a series cannot have gaps.", nameof(columns));
            var numbers = table.Numbers(columns[c]);
            for (int t = 0; t < numbers.Length; t++) values[t * columns.Length + c] = (float)numbers[t];
        }
        return new Series(values, columns);
    }

    /// <summary>Reads <paramref name="columns"/> (default: every numeric column) of a CSV file with a header (<see cref="Csv.Read(string, CsvOptions)"/>), rows in file order.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not valid CSV.</exception>
    /// <exception cref="ArgumentException">A column is missing, not numeric, or has a missing value.</exception>
    public static Series ReadCsv(string path, params string[] columns) => FromTable(Csv.Read(path), columns);

    /// <summary>The values, <c>[Length, ColumnCount]</c> row-major.</summary>
    public float[] Values { get; }

    /// <summary>Number of rows (time steps).</summary>
    public int Length { get; }

    /// <summary>Number of columns.</summary>
    public int ColumnCount => _columns.Length;

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>The index of <paramref name="column"/>.</summary>
    /// <exception cref="ArgumentException">No such column.</exception>
    public int IndexOf(string column) => _index.TryGetValue(column, out int c) ? c
        : throw new ArgumentException($"the series has no column '{column}'; its columns are {string.Join(", ", _columns)}.", nameof(column));

    /// <summary>The value at row <paramref name="row"/>, column <paramref name="column"/>.</summary>
    public float this[int row, int column] => Values[row * ColumnCount + column];

    /// <summary>The values of one row.</summary>
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * ColumnCount, ColumnCount);

    /// <summary>A copy of one column's values, in time order.</summary>
    public float[] Column(string column)
    {
        int c = IndexOf(column), k = ColumnCount;
        var result = new float[Length];
        for (int t = 0; t < Length; t++) result[t] = Values[t * k + c];
        return result;
    }

    /// <summary>A new series of the given columns, in that order.</summary>
    public Series Select(params string[] columns)
    {
        var index = columns.Select(IndexOf).ToArray();
        var values = new float[Length * index.Length];
        for (int t = 0; t < Length; t++)
            for (int c = 0; c < index.Length; c++)
                values[t * index.Length + c] = Values[t * ColumnCount + index[c]];
        return new Series(values, columns);
    }

    /// <summary>A new series with <paramref name="values"/> appended as column <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is taken, or the column's length is not <see cref="Length"/>.</exception>
    public Series With(string name, ReadOnlySpan<float> values)
    {
        if (values.Length != Length)
            throw new ArgumentException($"column '{name}' has {values.Length} values; expected one per row, {Length}.", nameof(values));
        int k = ColumnCount;
        var result = new float[Length * (k + 1)];
        for (int t = 0; t < Length; t++)
        {
            Values.AsSpan(t * k, k).CopyTo(result.AsSpan(t * (k + 1)));
            result[t * (k + 1) + k] = values[t];
        }
        return new Series(result, [.. _columns, name]);
    }

    /// <summary>A new series of rows <c>[start, start + count)</c>.</summary>
    public Series Rows(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Length)
            throw new ArgumentOutOfRangeException(nameof(count), $"rows [{start}, {start + count}) are outside the series' {Length} rows.");
        return new Series(Values.AsSpan(start * ColumnCount, count * ColumnCount).ToArray(), _columns);
    }

    /// <summary>
    /// Log returns of every column, <c>r_t = ln(p_t / p_(t−1))</c>, one row shorter: row <c>t</c> of the result is the return from
    /// row <c>t</c> to row <c>t + 1</c> of this series. Column names gain nothing; every value must be positive.
    /// </summary>
    /// <exception cref="ArgumentException">A value is zero or negative (no logarithm).</exception>
    public Series LogReturns() => Map(p => Returns.Log(p));

    /// <summary>Simple returns of every column, <c>R_t = p_t / p_(t−1) − 1</c>, one row shorter (as <see cref="LogReturns"/>).</summary>
    /// <exception cref="ArgumentException">A value is zero (no ratio).</exception>
    public Series SimpleReturns() => Map(p => Returns.Simple(p));

    private Series Map(Func<float[], float[]> transform)
    {
        if (Length < 2) throw new InvalidOperationException($"returns need at least 2 rows; the series has {Length}.");
        var columns = _columns.Select(c => transform(Column(c))).ToArray();
        int n = Length - 1, k = ColumnCount;
        var values = new float[n * k];
        for (int t = 0; t < n; t++)
            for (int c = 0; c < k; c++)
                values[t * k + c] = columns[c][t];
        return new Series(values, _columns);
    }
}
