using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Axon.Optimizers;

namespace Axon.Benchmarks;

/// <summary>
/// <c>flushcost [--parameters 101770] [--rounds 15]</c>: what flushing denormals costs Adam when none
/// occur. Times Axon's Adam update (moments and weights flushed below 1.18e-38) against a copy of the
/// same loop without the flush, on the same normal-range values, in alternating rounds of one
/// process; prints the median ns per parameter of each and their ratio (1.00 = no cost).
/// </summary>
internal static class FlushCost
{
    public const string Usage = "usage: flushcost [--parameters 101770] [--rounds 15]";

    public static int Run(ReadOnlySpan<string> args)
    {
        int count = 101_770, rounds = 15; // mlp-784-128-10's parameters
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"missing value after '{args[i]}'");
            switch (args[i])
            {
                case "--parameters": count = Throughput.ParseInt(args[i + 1], args[i]); break;
                case "--rounds": rounds = Throughput.ParseInt(args[i + 1], args[i]); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        if (count < 1 || rounds < 1) throw new ArgumentException("--parameters and --rounds must be positive");
        var rng = new Random(3);
        float[] p1 = new float[count], g = new float[count], m = new float[count], v = new float[count];
        for (int i = 0; i < count; i++) { p1[i] = (float)rng.NextDouble() - 0.5f; g[i] = ((float)rng.NextDouble() - 0.5f) * 1e-2f; }
        var p2 = (float[])p1.Clone();
        var adam = new Adam();
        adam.Bind(count);
        var flushed = new double[rounds];
        var plain = new double[rounds];
        long step = 0;
        for (int r = -3; r < rounds; r++) // three rounds of warm-up
        {
            // Alternate which goes first, so neither always follows the other's cache traffic.
            Action flushedUpdate = () => { adam.BeginStep(); adam.Update(p1, g, 0, count, 1f); };
            Action plainUpdate = () => Unflushed(p2, g, m, v, 1e-3f, ++step, adam.WeightDecay, 1f - adam.WeightDecay);
            double a, b;
            if ((r & 1) == 0) { a = Time(flushedUpdate, count); b = Time(plainUpdate, count); }
            else { b = Time(plainUpdate, count); a = Time(flushedUpdate, count); }
            if (r < 0) continue;
            flushed[r] = a;
            plain[r] = b;
        }
        double f = Throughput.Median(flushed), u = Throughput.Median(plain);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"benchmark\":\"flushcost\",\"parameters\":{count},\"rounds\":{rounds},\"ns_per_parameter_flushed\":{f:F3},\"ns_per_parameter_unflushed\":{u:F3},\"ratio\":{f / u:F3},\"isa\":\"{GemmPeak.Isa}\"}}"));
        return 0;
    }

    // ~50 ms of calls; ns per parameter.
    private static double Time(Action update, int count)
    {
        int calls = 0;
        long start = Stopwatch.GetTimestamp();
        do { update(); calls++; } while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < 50);
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls / count;
    }

    // Adam.Update as it was before flushing (the widest vector path and the scalar tail).
    private static void Unflushed(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lr, long step, float l2, float shrink)
    {
        const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
        float stepSize = lr / (1f - MathF.Pow(b1, step));
        float invSqrtBias2 = 1f / MathF.Sqrt(1f - MathF.Pow(b2, step));
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vB1 = Vector512.Create(b1); var vB1c = Vector512.Create(1f - b1);
            var vB2 = Vector512.Create(b2); var vB2c = Vector512.Create(1f - b2);
            var vStep = Vector512.Create(stepSize); var vInv = Vector512.Create(invSqrtBias2);
            var vEps = Vector512.Create(eps); var vL2 = Vector512.Create(l2); var vShrink = Vector512.Create(shrink);
            for (; i <= p.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var w = Vector512.LoadUnsafe(ref pr, (nuint)i);
                var d = Vector512.LoadUnsafe(ref gr, (nuint)i) + vL2 * w;
                var mi = vB1 * Vector512.LoadUnsafe(ref mr, (nuint)i) + vB1c * d;
                var vi = vB2 * Vector512.LoadUnsafe(ref vr, (nuint)i) + vB2c * d * d;
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                w = w * vShrink - vStep * mi / (Vector512.Sqrt(vi) * vInv + vEps);
                w.StoreUnsafe(ref pr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var vB1 = Vector256.Create(b1); var vB1c = Vector256.Create(1f - b1);
            var vB2 = Vector256.Create(b2); var vB2c = Vector256.Create(1f - b2);
            var vStep = Vector256.Create(stepSize); var vInv = Vector256.Create(invSqrtBias2);
            var vEps = Vector256.Create(eps); var vL2 = Vector256.Create(l2); var vShrink = Vector256.Create(shrink);
            for (; i <= p.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var w = Vector256.LoadUnsafe(ref pr, (nuint)i);
                var d = Vector256.LoadUnsafe(ref gr, (nuint)i) + vL2 * w;
                var mi = vB1 * Vector256.LoadUnsafe(ref mr, (nuint)i) + vB1c * d;
                var vi = vB2 * Vector256.LoadUnsafe(ref vr, (nuint)i) + vB2c * d * d;
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                w = w * vShrink - vStep * mi / (Vector256.Sqrt(vi) * vInv + vEps);
                w.StoreUnsafe(ref pr, (nuint)i);
            }
        }
        for (; i < p.Length; i++)
        {
            float d = g[i] + l2 * p[i];
            m[i] = b1 * m[i] + (1f - b1) * d;
            v[i] = b2 * v[i] + (1f - b2) * d * d;
            p[i] = p[i] * shrink - stepSize * m[i] / (MathF.Sqrt(v[i]) * invSqrtBias2 + eps);
        }
    }
}
