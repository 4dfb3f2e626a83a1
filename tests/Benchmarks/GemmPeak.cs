using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Axon.Kernels;

namespace Axon.Benchmarks;

/// <summary>
/// <c>gemm [--threads T] [--seconds S]</c>: the GEMM at the training shapes against this core's own
/// FMA peak, measured in the same run (the clock of a shared machine moves, so only the ratio means
/// anything). The peak is a loop of independent register FMAs at the widest vector the GEMM uses
/// (AVX-512 where present, else AVX2): 12 accumulators hide the FMA latency, so it runs at the
/// machine's FMA throughput; with <c>--threads</c> &gt; 1 it runs on every thread at once. One JSON line per shape and product:
/// <c>{"benchmark":"gemm","op":"X·Wᵀ","m":128,"n":128,"k":784,"threads":1,"gflops":…,"peak_gflops":…,"fraction_of_peak":…}</c>.
/// </summary>
internal static class GemmPeak
{
    public const string Usage = "usage: gemm [--threads 1] [--seconds 1] [--c-offset 0 (bytes past a 64-byte boundary, multiple of 4, < 64)]";

    public static int Run(ReadOnlySpan<string> args)
    {
        int threads = 1, cOffset = 0;
        double seconds = 1;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--threads": threads = Throughput.ParseInt(args[i + 1], args[i]); break;
                case "--seconds": seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--c-offset": cOffset = Throughput.ParseInt(args[i + 1], args[i]); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (threads < 1 || seconds <= 0) throw new ArgumentException("--threads and --seconds must be positive");
        if (cOffset is < 0 or >= 64 || cOffset % sizeof(float) != 0) throw new ArgumentException($"--c-offset must be a multiple of 4 in 0..60 bytes; got {cOffset}");

        var pool = threads == 1 ? null : WorkerPool.Get(threads);
        (string Op, int M, int N, int K)[] shapes =
        {
            ("X·Wᵀ", 128, 128, 784), ("dZᵀ·X", 128, 784, 128), ("dZ·W", 128, 784, 128),
            ("X·Wᵀ", 128, 256, 784), ("dZᵀ·X", 256, 784, 128), ("X·Wᵀ", 128, 256, 256),
            ("X·Wᵀ", 512, 512, 512), ("X·Wᵀ", 32, 128, 784),
        };
        foreach (var (op, m, n, k) in shapes)
        {
            var rng = new Random(1);
            // Operands 64-byte aligned, as the model's arenas keep them; C --c-offset bytes past a boundary. Off a boundary,
            // a column split's two halves share a cache line in every row of C (docs/performance.md, "GEMM").
            Arena a = Filled(m * k, rng), b = Filled(n * k, rng), bias = Filled(n, rng), c = new(m * n + 16), scratch = new(m * k);
            int off = cOffset / sizeof(float);
            Action run = op switch
            {
                "X·Wᵀ" => () => ParallelGemm.MultiplyTransposedBBias(a.Span, b.Span, bias.Span, c.Slice(off, m * n), m, n, k, pool),
                "dZᵀ·X" => () => ParallelGemm.MultiplyTransposedA(a.Span, b.Span, c.Slice(off, m * n), m, n, k, pool, scratch.Span),
                _ => () => ParallelGemm.Multiply(a.Span, b.Span, c.Slice(off, m * n), m, n, k, pool),
            };
            double gemm = BestRate(run, 2.0 * m * n * k, seconds);
            // The peak right after each product, so a clock change between shapes hits both; with
            // several threads the FMA loop runs on all of them at once, as the product does (on a
            // shared host the second core is not always a whole core).
            double peak = pool is null
                ? BestRate(() => FmaLoop(1 << 16), FmaLoopFlops(1 << 16), seconds / 2)
                : BestRate(() => RunOnAll(pool), threads * FmaLoopFlops(1 << 16), seconds / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"benchmark\":\"gemm\",\"op\":\"{op}\",\"m\":{m},\"n\":{n},\"k\":{k},\"threads\":{threads},\"c_offset_bytes\":{cOffset},\"isa\":\"{(Vector512.IsHardwareAccelerated ? "avx512" : "avx2")}\",\"gflops\":{gemm / 1e9:F1},\"peak_gflops\":{peak / 1e9:F1},\"fraction_of_peak\":{gemm / peak:F3}}}"));
        }
        return 0;
    }

    /// <summary>This core's FMA throughput in flops/s: the best rate of the register FMA loop over <paramref name="seconds"/>.</summary>
    internal static double SingleThreadPeak(double seconds) => BestRate(() => FmaLoop(1 << 16), FmaLoopFlops(1 << 16), seconds);

    /// <summary>
    /// The FMA throughput of all of <paramref name="pool"/>'s threads at once, in flops/s. Over the single-thread
    /// peak it is the speed-up the host gives two threads right now: a second vCPU that shares its core (SMT) or
    /// its time with another tenant gives well under 2x, and no training step can scale past it.
    /// </summary>
    internal static double AllThreadsPeak(WorkerPool pool, double seconds) =>
        BestRate(() => RunOnAll(pool), pool.Threads * FmaLoopFlops(1 << 16), seconds);

    /// <summary>"avx512" or "avx2": the vector width the GEMM and the peak loop use.</summary>
    internal static string Isa => Vector512.IsHardwareAccelerated ? "avx512" : "avx2";

    private static unsafe void RunOnAll(WorkerPool pool)
    {
        static void Part(void* state, int part) => FmaLoop(1 << 16);
        pool.Run(&Part, null);
    }

    private static Arena Filled(int n, Random rng)
    {
        var x = new Arena(n);
        var span = x.Span;
        for (int i = 0; i < n; i++) span[i] = (float)rng.NextDouble() - 0.5f;
        return x;
    }

    // Best of several timed batches of calls (the least disturbed by the host), in flops per second.
    private static double BestRate(Action run, double flopsPerCall, double seconds)
    {
        for (int i = 0; i < 20; i++) run();
        double best = 0;
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds)
        {
            int calls = 0;
            long start = Stopwatch.GetTimestamp();
            do { run(); calls++; } while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < 20);
            best = Math.Max(best, calls * flopsPerCall / Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return best;
    }

    private static double FmaLoopFlops(int iterations) =>
        iterations * 12.0 * 2 * (Vector512.IsHardwareAccelerated ? 16 : 8);

    // 12 independent FMA chains: enough to cover a 4-cycle latency on 2-3 FMA pipes.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float FmaLoop(int iterations)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var m = Vector512.Create(0.999f); var add = Vector512.Create(0.001f);
            Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
            for (int i = 0; i < iterations; i++)
            {
                a0 = Avx512F.FusedMultiplyAdd(a0, m, add); a1 = Avx512F.FusedMultiplyAdd(a1, m, add); a2 = Avx512F.FusedMultiplyAdd(a2, m, add);
                a3 = Avx512F.FusedMultiplyAdd(a3, m, add); a4 = Avx512F.FusedMultiplyAdd(a4, m, add); a5 = Avx512F.FusedMultiplyAdd(a5, m, add);
                a6 = Avx512F.FusedMultiplyAdd(a6, m, add); a7 = Avx512F.FusedMultiplyAdd(a7, m, add); a8 = Avx512F.FusedMultiplyAdd(a8, m, add);
                a9 = Avx512F.FusedMultiplyAdd(a9, m, add); a10 = Avx512F.FusedMultiplyAdd(a10, m, add); a11 = Avx512F.FusedMultiplyAdd(a11, m, add);
            }
            return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
        }
        var m2 = Vector256.Create(0.999f); var add2 = Vector256.Create(0.001f);
        Vector256<float> b0 = Vector256.Create(1f), b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0, b6 = b0, b7 = b0, b8 = b0, b9 = b0, b10 = b0, b11 = b0;
        for (int i = 0; i < iterations; i++)
        {
            b0 = Fma.MultiplyAdd(b0, m2, add2); b1 = Fma.MultiplyAdd(b1, m2, add2); b2 = Fma.MultiplyAdd(b2, m2, add2);
            b3 = Fma.MultiplyAdd(b3, m2, add2); b4 = Fma.MultiplyAdd(b4, m2, add2); b5 = Fma.MultiplyAdd(b5, m2, add2);
            b6 = Fma.MultiplyAdd(b6, m2, add2); b7 = Fma.MultiplyAdd(b7, m2, add2); b8 = Fma.MultiplyAdd(b8, m2, add2);
            b9 = Fma.MultiplyAdd(b9, m2, add2); b10 = Fma.MultiplyAdd(b10, m2, add2); b11 = Fma.MultiplyAdd(b11, m2, add2);
        }
        return Vector256.Sum(b0 + b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8 + b9 + b10 + b11);
    }
}
