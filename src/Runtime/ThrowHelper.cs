using System;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Axon;

/// <summary>
/// Argument checks shared by generated models and the runtime. Every message says what was
/// expected and what was given; the checks run before any state changes.
/// </summary>
public static class Guard
{
    /// <summary>Throws unless <paramref name="length"/> is a positive multiple of <paramref name="rowSize"/>; returns the row count.</summary>
    public static int Rows(int length, int rowSize, string what, string model)
    {
        if (length == 0 || length % rowSize != 0)
            ThrowRows(length, rowSize, what, model);
        return length / rowSize;
    }

    [DoesNotReturn]
    private static void ThrowRows(int length, int rowSize, string what, string model) =>
        throw new ArgumentException(
            $"{what} has {length} values, {model} expects a positive multiple of {rowSize} ({rowSize} per sample).", what);

    /// <summary>Throws unless <paramref name="length"/> equals <paramref name="expected"/>.</summary>
    public static void Length(int length, int expected, string what, string model)
    {
        if (length != expected)
            ThrowLength(length, expected, what, model);
    }

    [DoesNotReturn]
    private static void ThrowLength(int length, int expected, string what, string model) =>
        throw new ArgumentException($"{what} has {length} values, {model} expects {expected}.", what);

    /// <summary>Throws unless the batch fits the workspace.</summary>
    public static void Batch(int batch, int maxBatch, string model)
    {
        if (batch > maxBatch)
            throw new ArgumentException(
                $"batch of {batch} samples exceeds the {maxBatch} that this {model} was constructed for; construct it with maxBatchSize: {batch} or split the batch.");
    }

    /// <summary>Throws if any value is NaN or infinite, naming the first one.</summary>
    public static void Finite(ReadOnlySpan<float> values, string what)
    {
        int i = IndexOfNonFinite(values);
        if (i >= 0)
            throw new ArgumentException($"{what}[{i}] is {values[i]}; expected a finite value.", what);
    }

    /// <summary>
    /// <see cref="Finite(ReadOnlySpan{float}, string)"/> with the scan split over <paramref name="pool"/>'s threads when the
    /// span is long (a training batch): the check is a model's first touch of a fresh batch, so each core then also holds
    /// its share of the inputs. The error names the same (first) value as the one-thread scan.
    /// </summary>
    /// <remarks>
    /// Measured with <c>scaling</c>, this build against the one-thread check in alternating runs (Intel Xeon, 2 vCPUs,
    /// 2026-12-06, only runs whose host ceiling was ≥ 1.9x): two-thread steps of 241-245 against 249-255 µs for
    /// mlp-784-128-10 and 656-677 against 684-698 µs for mlp-784-256-256-10 at batch 128. On the AMD EPYC the same
    /// split measured no gain (2026-12-06, loaded machine), and was taken out until this measurement.
    /// </remarks>
    internal static unsafe void Finite(ReadOnlySpan<float> values, string what, Kernels.WorkerPool? pool)
    {
        if (pool is not { Threads: > 1 } || values.Length < ParallelFiniteLength)
        {
            Finite(values, what);
            return;
        }
        int parts = pool.Threads;
        int* first = stackalloc int[parts];
        fixed (float* p = values)
        {
            var job = new FiniteJob { Values = p, Length = values.Length, Parts = parts, First = first };
            pool.Run(&FinitePart, &job);
        }
        for (int part = 0; part < parts; part++)
            if (first[part] >= 0)
                throw new ArgumentException($"{what}[{first[part]}] is {values[first[part]]}; expected a finite value.", what);
    }

    // Below this many values (128 KB) one core scans faster than two can be handed the work.
    private const int ParallelFiniteLength = 1 << 15;

    private unsafe struct FiniteJob
    {
        public float* Values;
        public int Length, Parts;
        public int* First;
    }

    private static unsafe void FinitePart(void* state, int part)
    {
        var job = (FiniteJob*)state;
        int start = (int)((long)job->Length * part / job->Parts), end = (int)((long)job->Length * (part + 1) / job->Parts);
        int i = IndexOfNonFinite(new ReadOnlySpan<float>(job->Values + start, end - start));
        job->First[part] = i < 0 ? -1 : start + i;
    }

    /// <summary>Index of the first NaN or ±∞ in <paramref name="values"/>, or -1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
        {
            ref float start = ref MemoryMarshal.GetReference(values);
            // x - x is 0 for finite x and NaN for NaN or ±∞: one compare finds both.
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                var d = v - v;
                if (!Vector256.EqualsAll(d, d)) break;
            }
        }
        for (; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    /// <summary>Throws unless every label is a class index in [0, <paramref name="classes"/>).</summary>
    public static void Labels(ReadOnlySpan<int> labels, int classes, string model)
    {
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentException(
                    $"labels[{i}] is {labels[i]}; {model} has {classes} classes, so labels must be in [0, {classes - 1}].", "labels");
    }

    /// <summary>Throws unless every target lies in [0, 1] (binary cross-entropy targets are probabilities).</summary>
    public static void Probabilities(ReadOnlySpan<float> targets, string what)
    {
        for (int i = 0; i < targets.Length; i++)
            if (!(targets[i] >= 0f && targets[i] <= 1f))
                throw new ArgumentException($"{what}[{i}] is {targets[i]}; binary cross-entropy expects targets in [0, 1].", what);
    }
}
