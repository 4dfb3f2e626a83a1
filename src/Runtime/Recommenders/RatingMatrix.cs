using System;

namespace Axon.Recommenders;

/// <summary>
/// A sparse rating matrix in compressed rows (CSR): the ratings of each user (<see cref="ByUser"/>)
/// or of each item (<see cref="ByItem"/>), in the order they appear in the rating set, as Surprise's
/// <c>trainset.ur</c> and <c>trainset.ir</c> (that order breaks ties between equal similarities).
/// </summary>
public sealed class RatingMatrix
{
    private readonly int[] _offsets;
    private readonly int[] _columns;
    private readonly float[] _values;

    private RatingMatrix(int rows, int columnCount, int[] offsets, int[] columns, float[] values)
    {
        RowCount = rows;
        ColumnCount = columnCount;
        _offsets = offsets;
        _columns = columns;
        _values = values;
    }

    /// <summary>Rows: users for <see cref="ByUser"/>, items for <see cref="ByItem"/>.</summary>
    public int RowCount { get; }

    /// <summary>Columns: the other side.</summary>
    public int ColumnCount { get; }

    /// <summary>Number of ratings.</summary>
    public int Count => _values.Length;

    /// <summary>The columns rated in row <paramref name="row"/>.</summary>
    public ReadOnlySpan<int> Columns(int row) => _columns.AsSpan(_offsets[row], _offsets[row + 1] - _offsets[row]);

    /// <summary>The ratings of row <paramref name="row"/>, aligned with <see cref="Columns"/>.</summary>
    public ReadOnlySpan<float> Values(int row) => _values.AsSpan(_offsets[row], _offsets[row + 1] - _offsets[row]);

    /// <summary>Number of ratings in row <paramref name="row"/>.</summary>
    public int RowLength(int row) => _offsets[row + 1] - _offsets[row];

    /// <summary>The longest row.</summary>
    public int MaxRowLength()
    {
        int max = 0;
        for (int r = 0; r < RowCount; r++) max = Math.Max(max, RowLength(r));
        return max;
    }

    /// <summary>Rows are users, columns items.</summary>
    public static RatingMatrix ByUser(Ratings ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        return Build(ratings.UserCount, ratings.ItemCount, ratings.Users, ratings.Items, ratings.Values);
    }

    /// <summary>Rows are items, columns users.</summary>
    public static RatingMatrix ByItem(Ratings ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        return Build(ratings.ItemCount, ratings.UserCount, ratings.Items, ratings.Users, ratings.Values);
    }

    private static RatingMatrix Build(int rows, int columnCount, int[] rowOf, int[] columnOf, float[] values)
    {
        var offsets = new int[rows + 1];
        foreach (int r in rowOf) offsets[r + 1]++;
        for (int r = 0; r < rows; r++) offsets[r + 1] += offsets[r];
        var next = offsets.AsSpan(0, rows).ToArray();
        var columns = new int[values.Length];
        var v = new float[values.Length];
        // A stable counting sort: within a row the ratings keep the rating set's order.
        for (int k = 0; k < values.Length; k++)
        {
            int at = next[rowOf[k]]++;
            columns[at] = columnOf[k];
            v[at] = values[k];
        }
        return new RatingMatrix(rows, columnCount, offsets, columns, v);
    }
}
