using System;

namespace Axon.Kernels;

/// <summary>
/// The three training products split across a <see cref="WorkerPool"/> by rows of <c>C</c>. Every
/// output element is still summed by the same kernel in the same order, so the result is bitwise
/// identical to <see cref="Gemm"/>'s for any thread count; products too small to split (fewer than
/// 8 rows per part would change the kernel's path) run on the caller alone.
/// </summary>
public static unsafe class ParallelGemm
{
    private const int MinRowsPerPart = 8;

    private struct Job
    {
        public Gemm.Op Op;
        public float* A, B, Bias, C, Packed;
        public int M, N, K, Parts;
    }

    /// <summary><see cref="Gemm.MultiplyTransposedBBias"/> on <paramref name="pool"/>'s threads (null: the caller alone).</summary>
    public static void MultiplyTransposedBBias(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k, WorkerPool? pool)
    {
        if (!Splits(pool, m, n, k)) { Gemm.MultiplyTransposedBBias(a, b, bias, c, m, n, k); return; }
        Run(Gemm.Op.TransposedB, a, b, bias, c, m, n, k, default, pool!);
    }

    /// <summary><see cref="Gemm.Multiply"/> on <paramref name="pool"/>'s threads (null: the caller alone).</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, WorkerPool? pool)
    {
        if (!Splits(pool, m, n, k)) { Gemm.Multiply(a, b, c, m, n, k); return; }
        Run(Gemm.Op.Normal, a, b, default, c, m, n, k, default, pool!);
    }

    /// <summary>
    /// <see cref="Gemm.MultiplyTransposedA"/> on <paramref name="pool"/>'s threads. A is <c>[k, m]</c>, so a
    /// part's rows of C are a strided block of A's columns: each part first copies its block into
    /// <paramref name="scratch"/> (<c>k·m</c> floats; <c>k·m</c> ≪ <c>k·m·n</c> flops).
    /// </summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, WorkerPool? pool, Span<float> scratch)
    {
        if (!Splits(pool, m, n, k) || scratch.Length < (long)k * m) { Gemm.MultiplyTransposedA(a, b, c, m, n, k); return; }
        Run(Gemm.Op.TransposedA, a, b, default, c, m, n, k, scratch, pool!);
    }

    private static bool Splits(WorkerPool? pool, int m, int n, int k) =>
        pool is { Threads: > 1 } && m >= 2 * MinRowsPerPart && n > 0 && k > 0 && (long)m * n * k >= 1 << 16;

    private static void Run(Gemm.Op op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k, Span<float> packed, WorkerPool pool)
    {
        // Same checks as the single-threaded entry, before any worker touches memory.
        if (a.Length < (long)m * k || b.Length < (long)n * k || c.Length < (long)m * n || (!bias.IsEmpty && bias.Length < n))
            throw new ArgumentException($"spans too short for a [{m}, {k}]·[{k}, {n}] product.");
        int parts = Math.Min(pool.Threads, m / MinRowsPerPart);
        fixed (float* pa = a) fixed (float* pb = b) fixed (float* pbias = bias) fixed (float* pc = c) fixed (float* pp = packed)
        {
            var job = new Job { Op = op, A = pa, B = pb, Bias = bias.IsEmpty ? null : pbias, C = pc, Packed = pp, M = m, N = n, K = k, Parts = parts };
            pool.Run(&Part, &job);
        }
    }

    private static void Part(void* state, int part)
    {
        ref Job job = ref *(Job*)state;
        if (part >= job.Parts) return;
        // Row ranges on multiples of 8 so each part's tiles line up as in the single-threaded run.
        int chunk = (job.M / job.Parts + 7) & ~7;
        int i0 = Math.Min(job.M, part * chunk);
        int i1 = part == job.Parts - 1 ? job.M : Math.Min(job.M, i0 + chunk);
        int rows = i1 - i0;
        if (rows <= 0) return;
        int n = job.N, k = job.K, m = job.M;
        var bias = job.Bias == null ? default : new ReadOnlySpan<float>(job.Bias, n);
        var c = new Span<float>(job.C + (nint)i0 * n, rows * n);
        switch (job.Op)
        {
            case Gemm.Op.TransposedB:
                Gemm.MultiplyTransposedBBias(new ReadOnlySpan<float>(job.A + (nint)i0 * k, rows * k), new ReadOnlySpan<float>(job.B, n * k), bias, c, rows, n, k);
                break;
            case Gemm.Op.Normal:
                Gemm.Multiply(new ReadOnlySpan<float>(job.A + (nint)i0 * k, rows * k), new ReadOnlySpan<float>(job.B, k * n), c, rows, n, k);
                break;
            default:
                float* dst = job.Packed + (nint)i0 * k;
                for (int p = 0; p < k; p++)
                    new ReadOnlySpan<float>(job.A + (nint)p * m + i0, rows).CopyTo(new Span<float>(dst + (nint)p * rows, rows));
                Gemm.MultiplyTransposedA(new ReadOnlySpan<float>(dst, k * rows), new ReadOnlySpan<float>(job.B, k * n), c, rows, n, k);
                break;
        }
    }
}
