using System;
using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// A lookup table <c>[vocab, dim]</c>: each id selects a row. Ids arrive as floats holding integers
/// (model inputs are float spans) and are checked: a non-integer or out-of-range id throws rather
/// than reading a wrong row.
/// </summary>
public static class Embedding
{
    private const string Name = "Embedding";

    /// <summary><c>output[r, :] = table[ids[r], :]</c> for <paramref name="rows"/> ids.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not an integer in [0, <paramref name="vocab"/>).</exception>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need.</exception>
    public static void Forward(ReadOnlySpan<float> ids, ReadOnlySpan<float> table, Span<float> output, int rows, int vocab, int dim)
    {
        Check(ids.Length, table.Length, output.Length, rows, vocab, dim, nameof(table), nameof(output));
        for (int r = 0; r < rows; r++)
            table.Slice(Id(ids, r, vocab) * dim, dim).CopyTo(output.Slice(r * dim, dim));
    }

    /// <summary>
    /// <paramref name="tableGrad"/> (<c>[vocab, dim]</c>) is cleared, then each row of
    /// <paramref name="outputGrad"/> is added to its id's row, so repeated ids accumulate. All ids are
    /// checked before anything is written.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not an integer in [0, <paramref name="vocab"/>).</exception>
    /// <exception cref="ArgumentException">A span is shorter than the sizes need.</exception>
    public static void Backward(ReadOnlySpan<float> ids, ReadOnlySpan<float> outputGrad, Span<float> tableGrad, int rows, int vocab, int dim)
    {
        Check(ids.Length, tableGrad.Length, outputGrad.Length, rows, vocab, dim, nameof(tableGrad), nameof(outputGrad));
        for (int r = 0; r < rows; r++)
            Id(ids, r, vocab);
        tableGrad.Slice(0, vocab * dim).Clear();
        for (int r = 0; r < rows; r++)
        {
            var dst = tableGrad.Slice(Id(ids, r, vocab) * dim, dim);
            TensorPrimitives.Add(dst, outputGrad.Slice(r * dim, dim), dst);
        }
    }

    private static int Id(ReadOnlySpan<float> ids, int r, int vocab)
    {
        float v = ids[r];
        if (!(v >= 0f && v < vocab) || v != MathF.Floor(v))
            ThrowId(v, r, vocab);
        return (int)v;
    }

    [DoesNotReturn]
    private static void ThrowId(float id, int position, int vocab) =>
        throw new ArgumentOutOfRangeException("ids", id, $"id {id} at position {position} is not an integer in [0, {vocab}).");

    private static void Check(int ids, int table, int output, int rows, int vocab, int dim, string tableName, string outputName)
    {
        KernelCheck.NotNegative(rows, nameof(rows));
        KernelCheck.Positive(vocab, nameof(vocab));
        KernelCheck.Positive(dim, nameof(dim));
        KernelCheck.AtLeast(ids, rows, "ids", Name);
        KernelCheck.AtLeast(table, (long)vocab * dim, tableName, Name);
        KernelCheck.AtLeast(output, (long)rows * dim, outputName, Name);
    }
}
