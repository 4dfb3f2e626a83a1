using System;
using System.Collections.Generic;
using Axon.Kernels;
using Xunit;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// ParallelGemm splits the forward product by output columns (when wide enough) and the gradient
/// products by rows; every split must give bitwise the serial product's values, whatever the thread
/// count and however ragged the split (sizes that are not multiples of the tile sizes or of 8).
/// </summary>
public class ParallelGemmTests
{
    public static IEnumerable<object[]> Shapes()
    {
        // (m, n, k): big enough to split (m·n·k ≥ MinParallelWork) and some just below; columns 64,
        // 100 (ragged chunks), 127, 130, 256, 784 and narrow ones (row split); rows 4, 5, 16, 17, 33,
        // 64, 128, 300 (33 over 3 threads once left a 1-row part).
        (int, int, int)[] shapes =
        {
            (128, 128, 784), (128, 100, 784), (17, 130, 784), (4, 784, 256), (300, 256, 33),
            (128, 784, 128), (16, 64, 1024), (128, 10, 128), (33, 784, 127), (128, 256, 256),
            (5, 64, 2048), (64, 127, 255), (128, 16, 4096),
        };
        foreach (var (m, n, k) in shapes)
            foreach (int threads in new[] { 2, 3 })
                yield return new object[] { m, n, k, threads };
    }

    private static float[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryProduct_IsBitwiseTheSerialOne(int m, int n, int k, int threads)
    {
        var pool = WorkerPool.Get(threads);
        float[] a = Random(m * k, 1), bt = Random(n * k, 2), bias = Random(n, 3);

        // Forward X·Wᵀ + b (by columns when n ≥ 64, else by rows).
        var serial = new float[m * n];
        var split = new float[m * n];
        Gemm.MultiplyTransposedBBias(a, bt, bias, serial, m, n, k);
        ParallelGemm.MultiplyTransposedBBias(a, bt, bias, split, m, n, k, pool);
        Assert.Equal(serial, split);

        // Input gradient dZ·W: A [m, k], B [k, n].
        float[] b = Random(k * n, 4);
        Array.Clear(split);
        Gemm.Multiply(a, b, serial, m, n, k);
        ParallelGemm.Multiply(a, b, split, m, n, k, pool);
        Assert.Equal(serial, split);

        // Weight gradient dZᵀ·X: A [k, m], B [k, n], with the scratch each part packs its block into.
        float[] at = Random(k * m, 5);
        Array.Clear(split);
        Gemm.MultiplyTransposedA(at, b, serial, m, n, k);
        ParallelGemm.MultiplyTransposedA(at, b, split, m, n, k, pool, new float[k * m]);
        Assert.Equal(serial, split);
    }

    public static IEnumerable<object[]> ReluShapes()
    {
        // Every path of the forward product: k = 0 (bias only), the dot path (m < 4), blocked with
        // one or several k-blocks, ragged tiles; with 1, 2 and 3 threads (columns split, rows for the narrow ones).
        (int, int, int)[] shapes = { (3, 10, 0), (1, 128, 784), (3, 33, 100), (7, 17, 5), (128, 128, 784), (128, 100, 784), (100, 40, 784), (17, 10, 300), (64, 256, 256) };
        foreach (var (m, n, k) in shapes)
            foreach (int threads in new[] { 1, 2, 3 })
                yield return new object[] { m, n, k, threads };
    }

    [Theory]
    [MemberData(nameof(ReluShapes))]
    public void ReluEpilogue_IsBitwiseMaxZeroOfTheProduct(int m, int n, int k, int threads)
    {
        float[] a = Random(m * k, 6), bt = Random(n * k, 7), bias = Random(n, 8);
        var expected = new float[m * n];
        Gemm.MultiplyTransposedBBias(a, bt, bias, expected, m, n, k);
        int negatives = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] < 0) negatives++;
            expected[i] = MathF.Max(expected[i], 0f);
        }
        Assert.True(negatives > 0, "the check needs negative pre-activations to clamp");

        var fused = new float[m * n];
        fused.AsSpan().Fill(float.NaN); // every element must be written
        ParallelGemm.MultiplyTransposedBBias(a, bt, bias, fused, m, n, k, threads == 1 ? null : WorkerPool.Get(threads), relu: true);
        Assert.Equal(expected, fused);

        // Dense.Forward takes the fused path for ReLU when z is not kept, the separate pass when it is:
        // both give the same outputs.
        var separate = new float[m * n];
        var z = new float[m * n];
        var pool = threads == 1 ? null : WorkerPool.Get(threads);
        Dense.Forward(a, bt, bias, fused, fused, m, k, n, default(ReluActivation), pool);
        Dense.Forward(a, bt, bias, z, separate, m, k, n, default(ReluActivation), pool);
        Assert.Equal(separate, fused);
        Assert.Equal(expected, separate);
    }

    [Theory]
    [MemberData(nameof(ReluShapes))]
    public void ReluEpilogue_KeepsNaN_ClampsInfinityAndNegativeZero_AsTheSeparatePass(int m, int n, int k, int threads)
    {
        // The epilogue (in registers on the vector tiles) must clamp as the separate pass does (IEEE 754 maximum,
        // TensorPrimitives.Max), bit for bit, on what a broken batch produces: NaN rows, ±∞, and −0 from a −0 bias when
        // k = 0. A faster clamp (MaxNative, a compare and blend) would turn NaN into 0 and hide the broken batch.
        float[] a = Random(m * k, 9), bt = Random(n * k, 10), bias = Random(n, 11);
        if (k > 0)
        {
            a[0] = float.NaN;                                     // row 0: all NaN
            if (m > 1) a[k] = float.PositiveInfinity;             // row 1: ±∞ (or NaN where ∞ meets −∞)
            if (m > 2) a[2 * k + k / 2] = float.NegativeInfinity;
        }
        bias[0] = -0f;
        var expected = new float[m * n];
        Gemm.MultiplyTransposedBBias(a, bt, bias, expected, m, n, k);
        System.Numerics.Tensors.TensorPrimitives.Max(expected, 0f, expected);
        if (k > 0) Assert.Contains(expected, float.IsNaN);
        else Assert.Equal(0, BitConverter.SingleToInt32Bits(expected[0]));   // max(−0, 0) = +0
        var fused = new float[m * n];
        fused.AsSpan().Fill(1f);
        ParallelGemm.MultiplyTransposedBBias(a, bt, bias, fused, m, n, k, threads == 1 ? null : WorkerPool.Get(threads), relu: true);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(fused[i]), $"element {i}: {expected[i]} expected, {fused[i]} fused");
    }

    [Theory]
    [InlineData(128, 2)]
    [InlineData(100, 2)]
    [InlineData(130, 3)]
    [InlineData(16, 2)]
    [InlineData(33, 3)]
    [InlineData(33, 4)]
    [InlineData(71, 8)]
    public void Ranges_CoverEveryIndexOnce_AtLeastEightEach(int count, int parts)
    {
        var seen = new int[count];
        int previousEnd = 0;
        for (int part = 0; part < parts; part++)
        {
            var (start, end) = ParallelGemm.Range(count, part, parts);
            Assert.Equal(previousEnd, start);
            Assert.True(start % 8 == 0 || start == count, $"part {part} starts at {start}, not a multiple of 8");
            Assert.True(end - start >= 8, $"part {part} of {parts} has {end - start} of {count} rows; fewer than 8 can change the kernel's path");
            for (int i = start; i < end; i++) seen[i]++;
            previousEnd = end;
        }
        Assert.Equal(count, previousEnd);
        Assert.All(seen, s => Assert.Equal(1, s));
    }
}
