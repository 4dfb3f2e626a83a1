using System;

namespace Axon.Kernels;

/// <summary>
/// The three training products split across a <see cref="WorkerPool"/>. Every output element is
/// still summed by the same kernel in the same order, so the result is bitwise identical to
/// <see cref="Gemm"/>'s for any thread count; products too small to repay waking a worker run on the
/// caller alone.
/// </summary>
/// <remarks>
/// The forward <c>X·Wᵀ</c> is split by output columns (rows of <c>W</c>) when it is wide enough, the
/// input gradient <c>dZ·W</c> by samples, or by columns when there are too few rows for each part's
/// packed <c>B</c> to pay off (small batches), the weight gradient <c>dZᵀ·X</c> by rows of <c>W</c>, and
/// <see cref="ModelCore.OptimizerStep"/> updates the same rows of <c>W</c> on the same part, so a row's
/// weights, gradient and optimizer state stay in one core's cache. Splitting the forward by samples
/// instead makes every part pack all of <c>W</c>: in an interleaved A/B of mlp-784-128-10 training
/// steps on two threads (fresh batches, medians of 6) it took 243 against 219 µs at batch 128 and 85
/// against 69 µs at batch 32.
/// <para>
/// Give <c>C</c> rows that start on a 64-byte boundary (an <see cref="Arena"/> slice at a multiple of 16 floats, with
/// a row length that is one too): otherwise the two halves of a column split share a cache line in every row, which
/// both cores write. <c>X·Wᵀ</c> at 128×128×784 on two threads ran 1.75-1.91x one thread aligned and 1.48-1.62x with
/// <c>C</c> 16 bytes off (<c>tests/Benchmarks gemm --c-offset</c>, Intel Xeon). A model's buffers are aligned already.
/// </para>
/// </remarks>
public static unsafe class ParallelGemm
{
    internal const int MinRowsPerPart = 8;

    // Below this many multiply-adds (about 3 µs on one core) waking a worker costs more than it saves.
    internal const long MinParallelWork = 1 << 19;
    // Each part of a column split gets at least one full AVX-512 tile width of columns.
    private const int MinColumnsPerPart = 32;

    // Rows per part below which A·B is split by columns instead (each part's packed B serves too few tiles).
    private const int MinRowsForRowSplit = 64;

    private struct Job
    {
        public Gemm.Op Op;
        public bool Columns, Relu;
        public float* A, B, Bias, C, Packed;
        public int M, N, K, Parts;
    }

    /// <summary>
    /// The half-open range <c>[start, end)</c> of <paramref name="count"/> rows (or columns) that part
    /// <paramref name="part"/> of <paramref name="parts"/> takes: chunks of a multiple of 8 (at least 8),
    /// the last part takes the rest. <see cref="ModelCore.OptimizerStep"/> uses the same ranges.
    /// </summary>
    internal static (int Start, int End) Range(int count, int part, int parts)
    {
        // Rounded down, so the last part (which takes the rest) is never shorter than the others: a
        // part of fewer than 8 rows could take the kernel's dot or GEMV path and change the bits
        // (33 rows over 3 parts rounded up gave 16 + 16 + 1). Callers make parts ≤ count / 8.
        int chunk = Math.Max(8, count / parts & ~7);
        int start = Math.Min(count, part * chunk);
        int end = part == parts - 1 ? count : Math.Min(count, start + chunk);
        return (start, Math.Max(start, end));
    }

    /// <summary><see cref="Gemm.MultiplyTransposedBBias"/> on <paramref name="pool"/>'s threads (null: the caller alone).</summary>
    public static void MultiplyTransposedBBias(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k, WorkerPool? pool)
        => MultiplyTransposedBBias(a, b, bias, c, m, n, k, pool, relu: false);

    /// <summary>
    /// <see cref="Gemm.MultiplyTransposedBBias"/>, optionally followed by <c>max(0, ·)</c> fused into the
    /// epilogue (<paramref name="relu"/>), on <paramref name="pool"/>'s threads (null: the caller alone).
    /// </summary>
    internal static void MultiplyTransposedBBias(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k, WorkerPool? pool, bool relu)
    {
        if (SplitsColumns(pool, m, n, k, Gemm.SmallRows))
        {
            Run(Gemm.Op.TransposedB, a, b, bias, c, m, n, k, default, pool, columns: true, relu);
            return;
        }
        if (!Splits(pool, m, n, k))
        {
            if (relu) Gemm.MultiplyTransposedBBiasRelu(a, b, bias, c, m, n, k);
            else Gemm.MultiplyTransposedBBias(a, b, bias, c, m, n, k);
            return;
        }
        Run(Gemm.Op.TransposedB, a, b, bias, c, m, n, k, default, pool!, relu: relu);
    }

    /// <summary><see cref="Gemm.Multiply"/> on <paramref name="pool"/>'s threads (null: the caller alone).</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, WorkerPool? pool)
    {
        // Few rows (a small batch's input gradient): split the columns, so each part packs only its own
        // columns of B; split by rows, every part would pack all of B and use it for one or two 8-row
        // tiles (measured in isolation on a 32×588×144 product: 1.59x over one thread by columns).
        if (SplitsColumns(pool, m, n, k, minRows: 2) && m < MinRowsForRowSplit * pool.Threads)
        {
            Run(Gemm.Op.Normal, a, b, default, c, m, n, k, default, pool, columns: true);
            return;
        }
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

    // A column split needs the blocked kernel for every part (at least minRows rows: fewer take the dot
    // or GEMV path) and a full AVX-512 tile width of columns per part.
    private static bool SplitsColumns([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] WorkerPool? pool, int m, int n, int k, int minRows) =>
        pool is { Threads: > 1 } && (long)m * n * k >= MinParallelWork && m >= minRows && k > 0
        && Gemm.Best != Gemm.Isa.Portable && n >= 2 * MinColumnsPerPart;

    private static bool Splits(WorkerPool? pool, int m, int n, int k) =>
        pool is { Threads: > 1 } && m >= 2 * MinRowsPerPart && n > 0 && k > 0 && (long)m * n * k >= MinParallelWork;

    private static void Run(Gemm.Op op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k, Span<float> packed, WorkerPool pool, bool columns = false, bool relu = false)
    {
        // Same checks as the single-threaded entry, before any worker touches memory.
        if (a.Length < (long)m * k || b.Length < (long)n * k || c.Length < (long)m * n || (!bias.IsEmpty && bias.Length < n))
            throw new ArgumentException($"spans too short for a [{m}, {k}]·[{k}, {n}] product.");
        int parts = columns ? Math.Min(pool.Threads, n / MinColumnsPerPart) : Math.Min(pool.Threads, m / MinRowsPerPart);
        fixed (float* pa = a) fixed (float* pb = b) fixed (float* pbias = bias) fixed (float* pc = c) fixed (float* pp = packed)
        {
            var job = new Job { Op = op, Columns = columns, Relu = relu, A = pa, B = pb, Bias = bias.IsEmpty ? null : pbias, C = pc, Packed = pp, M = m, N = n, K = k, Parts = parts };
            pool.Run(&Part, &job);
        }
    }

    private static void Part(void* state, int part)
    {
        ref Job job = ref *(Job*)state;
        if (part >= job.Parts) return;
        int n = job.N, k = job.K, m = job.M;
        if (job.Columns)
        {
            var (j0, j1) = Range(n, part, job.Parts);
            if (j1 > j0)
            {
                if (job.Op == Gemm.Op.TransposedB) Gemm.TransposedBColumns(job.A, job.B, job.Bias, job.C, m, k, j0, j1 - j0, n, job.Relu);
                else Gemm.NormalColumns(job.A, job.B, job.C, m, k, j0, j1 - j0, n);
            }
            return;
        }
        // Row ranges on multiples of 8 so each part's tiles line up as in the single-threaded run.
        var (i0, i1) = Range(m, part, job.Parts);
        int rows = i1 - i0;
        if (rows <= 0) return;
        var bias = job.Bias == null ? default : new ReadOnlySpan<float>(job.Bias, n);
        var c = new Span<float>(job.C + (nint)i0 * n, rows * n);
        switch (job.Op)
        {
            case Gemm.Op.TransposedB:
                if (job.Relu) Gemm.MultiplyTransposedBBiasRelu(new ReadOnlySpan<float>(job.A + (nint)i0 * k, rows * k), new ReadOnlySpan<float>(job.B, n * k), bias, c, rows, n, k);
                else Gemm.MultiplyTransposedBBias(new ReadOnlySpan<float>(job.A + (nint)i0 * k, rows * k), new ReadOnlySpan<float>(job.B, n * k), bias, c, rows, n, k);
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
