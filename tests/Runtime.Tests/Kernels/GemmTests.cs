using Axon.Testing;
using System;
using System.Collections.Generic;
using Axon.Kernels;
using Xunit;

namespace Axon.Runtime.Tests.Kernels;

public class GemmTests
{
    private static readonly int[] SmallSizes = { 0, 1, 2, 7, 8, 15, 16, 17, 33 };

    // Shapes that reach every path: the dot path (m < 4), GEMV (m = 1), ragged 6-row and
    // 16-column tiles, several k-blocks (k > 256), several m-blocks (m > 144, which also packs a
    // whole B block and reuses it), several n-blocks, and the model's own layers.
    private static readonly (int M, int N, int K)[] LargeShapes =
    {
        (128, 784, 128), (32, 784, 128), (1, 784, 128), (128, 784, 256), (128, 256, 256),
        (128, 128, 784), (32, 128, 784), (1, 128, 784), (128, 10, 128), (1, 10, 256),
        (784, 17, 64), (33, 784, 127), (255, 128, 784), (2, 784, 784), (3, 255, 257),
        (7, 64, 784), (300, 520, 33), (145, 300, 520), (127, 255, 33), (64, 127, 255),
        (16, 784, 1), (784, 1, 16), (5, 33, 784), (6, 100, 300), (4, 16, 17),
    };

    public static IEnumerable<object[]> Shapes()
    {
        var shapes = new List<(int, int, int)>();
        foreach (int m in SmallSizes)
            foreach (int n in SmallSizes)
                foreach (int k in SmallSizes)
                    shapes.Add((m, n, k));
        shapes.AddRange(LargeShapes);
        // A fixed-seed sample of the size list up to 784 in every dimension.
        int[] sizes = { 0, 1, 2, 7, 8, 15, 16, 17, 33, 64, 127, 128, 255, 784 };
        var rng = new Random(12345);
        for (int t = 0; t < 40; t++)
        {
            int m = sizes[rng.Next(sizes.Length)], n = sizes[rng.Next(sizes.Length)], k = sizes[rng.Next(sizes.Length)];
            if ((long)m * n * k <= 60_000_000)
                shapes.Add((m, n, k));
        }
        var seen = new HashSet<(int, int, int)>();
        foreach (var (m, n, k) in shapes)
            if (seen.Add((m, n, k)))
                yield return new object[] { m, n, k };
    }

    private static float[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    private static float[] Filled(int length, float value)
    {
        var x = new float[length];
        Array.Fill(x, value);
        return x;
    }

    private static void AssertClose(float[] expected, float[] actual, int k, string what)
    {
        // Inputs are in [-1, 1]: each of the k products is at most 1 in size, so float32
        // rounding of any summation order stays well inside 1e-5·k (+ the bias' own rounding).
        float tolerance = 1e-5f * Math.Max(k, 1) + 1e-6f;
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float diff = Math.Abs(expected[i] - actual[i]);
            if (!(diff <= tolerance))
                Assert.Fail($"{what}: element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance}).");
        }
    }

    private static void AssertBitwise(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i}: {expected[i]} vs {actual[i]} differ in bits.");
    }

    /// <summary>
    /// Runs <paramref name="op"/> with every kernel set this CPU has (portable, AVX2, AVX-512) and
    /// checks each against the reference, and against the public entry's result bit for bit:
    /// all of them sum every element as the same ascending FMA chain, except that the portable
    /// set has no dot-product path for A·Bᵀ with few rows.
    /// </summary>
    private static void CheckEveryIsa(Gemm.Op op, float[] a, float[] b, float[]? bias, float[] expected, float[] actual, int m, int n, int k, string what)
    {
        foreach (var isa in new[] { Gemm.Isa.Portable, Gemm.Isa.Avx2, Gemm.Isa.Avx512 })
        {
            if (isa > Gemm.Best)
                continue;
            var c = Filled(m * n, float.NaN);
            Gemm.Product(op, a, b, bias, c, m, n, k, isa);
            AssertClose(expected, c, k, $"{isa} {what} {m}x{n}x{k}");
            bool samePath = isa != Gemm.Isa.Portable || op != Gemm.Op.TransposedB || m >= Gemm.SmallRows;
            if (samePath && Gemm.Best != Gemm.Isa.Portable)
                AssertBitwise(actual, c, $"{isa} vs {Gemm.Best} {what} {m}x{n}x{k}");
        }
    }

    [Theory]
    [InlineData(128, 128, 784)]
    [InlineData(33, 100, 300)]
    [InlineData(7, 17, 5)]
    [InlineData(8, 10, 64)]
    [InlineData(3, 40, 20)]
    public void ReluEpilogue_OnEveryKernelSet_IsTheSeparateClampBitForBit(int m, int n, int k)
    {
        // The AVX-512 and AVX2 tiles clamp in registers, the portable tile and the dot path after storing: each must give
        // TensorPrimitives.Max(A·Bᵀ + bias, 0) exactly, NaN and ±∞ rows included.
        var a = Random(m * k, 21);
        var b = Random(n * k, 22);
        var bias = Random(n, 23);
        a[0] = float.NaN;
        if (m > 1) a[k + 1] = float.PositiveInfinity;
        if (m > 2) a[2 * k] = float.NegativeInfinity;
        foreach (var isa in new[] { Gemm.Isa.Portable, Gemm.Isa.Avx2, Gemm.Isa.Avx512 })
        {
            if (isa > Gemm.Best) continue;
            var expected = Filled(m * n, 1f);
            Gemm.Product(Gemm.Op.TransposedB, a, b, bias, expected, m, n, k, isa);
            System.Numerics.Tensors.TensorPrimitives.Max(expected, 0f, expected);
            var fused = Filled(m * n, 1f);
            Gemm.Product(Gemm.Op.TransposedB, a, b, bias, fused, m, n, k, isa, relu: true);
            AssertBitwise(expected, fused, $"{isa} ReLU epilogue {m}x{n}x{k}");
            Assert.Contains(fused, float.IsNaN);
            Assert.Contains(fused, v => v == 0f);
        }
    }

    [Fact]
    public void KernelSetMatchesTheCpu()
    {
        // Guards the tests above: they only cover the AVX kernels when the CPU selects them.
        var expected = System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported
            ? (System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? Gemm.Isa.Avx512 : Gemm.Isa.Avx2)
            : Gemm.Isa.Portable;
        Assert.Equal(expected, Gemm.Best);
        Assert.Throws<PlatformNotSupportedException>(() =>
            Gemm.Product(Gemm.Op.Normal, new float[1], new float[1], default, new float[1], 1, 1, 1, Gemm.Best + 1));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TransposedBMatchesReference(int m, int n, int k)
    {
        var a = Random(m * k, 1);
        var b = Random(n * k, 2);
        var expected = Filled(m * n, float.NaN);
        GemmReference.MultiplyTransposedB(a, b, expected, m, n, k);
        var actual = Filled(m * n, float.NaN);
        Gemm.MultiplyTransposedB(a, b, actual, m, n, k);
        AssertClose(expected, actual, k, $"A·Bᵀ {m}x{n}x{k}");
        CheckEveryIsa(Gemm.Op.TransposedB, a, b, null, expected, actual, m, n, k, "A·Bᵀ");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TransposedBBiasMatchesReference(int m, int n, int k)
    {
        var a = Random(m * k, 3);
        var b = Random(n * k, 4);
        var bias = Random(n, 5);
        var expected = Filled(m * n, float.NaN);
        GemmReference.MultiplyTransposedBBias(a, b, bias, expected, m, n, k);
        var actual = Filled(m * n, float.NaN);
        Gemm.MultiplyTransposedBBias(a, b, bias, actual, m, n, k);
        AssertClose(expected, actual, k, $"A·Bᵀ+bias {m}x{n}x{k}");
        CheckEveryIsa(Gemm.Op.TransposedB, a, b, bias, expected, actual, m, n, k, "A·Bᵀ+bias");

        // An empty bias adds nothing: bit for bit the plain product.
        var plain = Filled(m * n, float.NaN);
        Gemm.MultiplyTransposedB(a, b, plain, m, n, k);
        var emptyBias = Filled(m * n, float.NaN);
        Gemm.MultiplyTransposedBBias(a, b, ReadOnlySpan<float>.Empty, emptyBias, m, n, k);
        AssertBitwise(plain, emptyBias, $"empty bias {m}x{n}x{k}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyMatchesReference(int m, int n, int k)
    {
        var a = Random(m * k, 6);
        var b = Random(k * n, 7);
        var expected = Filled(m * n, float.NaN);
        GemmReference.Multiply(a, b, expected, m, n, k);
        var actual = Filled(m * n, float.NaN);
        Gemm.Multiply(a, b, actual, m, n, k);
        AssertClose(expected, actual, k, $"A·B {m}x{n}x{k}");
        CheckEveryIsa(Gemm.Op.Normal, a, b, null, expected, actual, m, n, k, "A·B");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TransposedAMatchesReference(int m, int n, int k)
    {
        var a = Random(k * m, 8);
        var b = Random(k * n, 9);
        var expected = Filled(m * n, float.NaN);
        GemmReference.MultiplyTransposedA(a, b, expected, m, n, k);
        var actual = Filled(m * n, float.NaN);
        Gemm.MultiplyTransposedA(a, b, actual, m, n, k);
        AssertClose(expected, actual, k, $"Aᵀ·B {m}x{n}x{k}");
        CheckEveryIsa(Gemm.Op.TransposedA, a, b, null, expected, actual, m, n, k, "Aᵀ·B");
    }

    [Theory]
    [InlineData(128, 784, 128)]
    [InlineData(1, 784, 128)]
    [InlineData(2, 10, 256)]
    [InlineData(300, 520, 300)]
    [InlineData(33, 17, 7)]
    public void RepeatedCallsAreBitwiseIdentical(int m, int n, int k)
    {
        var a = Random(m * k, 10);
        var bt = Random(n * k, 11);
        var bias = Random(n, 12);
        var first = new float[m * n];
        var second = new float[m * n];

        Gemm.MultiplyTransposedBBias(a, bt, bias, first, m, n, k);
        // A call of another shape in between must leave nothing behind in the shared buffers.
        Gemm.Multiply(Random(7 * 9, 13), Random(9 * 5, 14), new float[7 * 5], 7, 5, 9);
        Gemm.MultiplyTransposedBBias(a, bt, bias, second, m, n, k);
        AssertBitwise(first, second, "A·Bᵀ+bias twice");

        Gemm.Multiply(a, bt, first, m, n, k);
        Gemm.Multiply(a, bt, second, m, n, k);
        AssertBitwise(first, second, "A·B twice");

        Gemm.MultiplyTransposedA(a, bt, first, m, n, k);
        Gemm.MultiplyTransposedA(a, bt, second, m, n, k);
        AssertBitwise(first, second, "Aᵀ·B twice");
    }

    /// <summary>
    /// Splitting the output's columns or rows between two calls (as two workers would) gives the
    /// same bits as one call: each element's summation order is fixed by k alone.
    /// </summary>
    [Theory]
    [InlineData(128, 784, 128, 400, 64)]
    [InlineData(150, 300, 600, 17, 77)]
    [InlineData(12, 40, 33, 8, 6)]
    [InlineData(8, 64, 784, 16, 4)]
    public void SplittingTheOutputGivesTheSameBits(int m, int n, int k, int nSplit, int mSplit)
    {
        // A·Bᵀ: columns of C are rows of B, rows of C are rows of A.
        {
            var a = Random(m * k, 20);
            var b = Random(n * k, 21);
            var bias = Random(n, 22);
            var whole = new float[m * n];
            Gemm.MultiplyTransposedBBias(a, b, bias, whole, m, n, k);
            var byColumns = JoinColumns(m, n, nSplit, (lo, w, c) =>
                Gemm.MultiplyTransposedBBias(a, b.AsSpan(lo * k, w * k), bias.AsSpan(lo, w), c, m, w, k));
            AssertBitwise(whole, byColumns, "A·Bᵀ split by columns");
            var byRows = JoinRows(m, n, mSplit, (lo, h, c) =>
                Gemm.MultiplyTransposedBBias(a.AsSpan(lo * k, h * k), b, bias, c, h, n, k));
            AssertBitwise(whole, byRows, "A·Bᵀ split by rows");
        }
        // A·B: columns of C are columns of B, rows of C are rows of A.
        {
            var a = Random(m * k, 23);
            var b = Random(k * n, 24);
            var whole = new float[m * n];
            Gemm.Multiply(a, b, whole, m, n, k);
            var byColumns = JoinColumns(m, n, nSplit, (lo, w, c) =>
                Gemm.Multiply(a, Columns(b, k, n, lo, w), c, m, w, k));
            AssertBitwise(whole, byColumns, "A·B split by columns");
            var byRows = JoinRows(m, n, mSplit, (lo, h, c) =>
                Gemm.Multiply(a.AsSpan(lo * k, h * k), b, c, h, n, k));
            AssertBitwise(whole, byRows, "A·B split by rows");
        }
        // Aᵀ·B: columns of C are columns of B, rows of C are columns of A.
        {
            var a = Random(k * m, 25);
            var b = Random(k * n, 26);
            var whole = new float[m * n];
            Gemm.MultiplyTransposedA(a, b, whole, m, n, k);
            var byColumns = JoinColumns(m, n, nSplit, (lo, w, c) =>
                Gemm.MultiplyTransposedA(a, Columns(b, k, n, lo, w), c, m, w, k));
            AssertBitwise(whole, byColumns, "Aᵀ·B split by columns");
            var byRows = JoinRows(m, n, mSplit, (lo, h, c) =>
                Gemm.MultiplyTransposedA(Columns(a, k, m, lo, h), b, c, h, n, k));
            AssertBitwise(whole, byRows, "Aᵀ·B split by rows");
        }
    }

    private delegate void Part(int lo, int size, float[] c);

    private static float[] Columns(float[] x, int rows, int cols, int lo, int width)
    {
        var r = new float[rows * width];
        for (int i = 0; i < rows; i++)
            Array.Copy(x, i * cols + lo, r, i * width, width);
        return r;
    }

    private static float[] JoinColumns(int m, int n, int split, Part part)
    {
        var result = new float[m * n];
        foreach (var (lo, w) in new[] { (0, split), (split, n - split) })
        {
            var c = new float[m * w];
            part(lo, w, c);
            for (int i = 0; i < m; i++)
                Array.Copy(c, i * w, result, i * n + lo, w);
        }
        return result;
    }

    private static float[] JoinRows(int m, int n, int split, Part part)
    {
        var result = new float[m * n];
        foreach (var (lo, h) in new[] { (0, split), (split, m - split) })
        {
            var c = new float[h * n];
            part(lo, h, c);
            Array.Copy(c, 0, result, lo * n, h * n);
        }
        return result;
    }

    [Fact]
    public void TooShortSpansThrow()
    {
        var a = new float[6];
        var b = new float[6];
        var c = new float[4];
        // 2x2 output with k = 3 needs 6 values in A and B and 4 in C.
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposedB(a.AsSpan(0, 5), b, c, 2, 2, 3));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposedB(a, b.AsSpan(0, 5), c, 2, 2, 3));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposedB(a, b, c.AsSpan(0, 3), 2, 2, 3));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposedBBias(a, b, new float[1], c, 2, 2, 3));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a.AsSpan(0, 5), b, c, 2, 2, 3));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, b.AsSpan(0, 5), c, 2, 2, 3));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, b, c.AsSpan(0, 3), 2, 2, 3));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposedA(a.AsSpan(0, 5), b, c, 2, 2, 3));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposedA(a, b.AsSpan(0, 5), c, 2, 2, 3));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposedA(a, b, c.AsSpan(0, 3), 2, 2, 3));
        Assert.ThrowsAny<ArgumentException>(() => Gemm.Multiply(a, b, c, -1, 2, 3));
        // Exactly long enough, or longer, is fine.
        Gemm.MultiplyTransposedB(a, b, c, 2, 2, 3);
        Gemm.Multiply(new float[10], new float[10], new float[10], 2, 2, 3);
    }

    [Fact]
    public void EmptyInnerDimensionWritesZerosOrBias()
    {
        var c = Filled(6, float.NaN);
        Gemm.MultiplyTransposedB(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, c, 2, 3, 0);
        Assert.All(c, v => Assert.Equal(0f, v));
        Gemm.MultiplyTransposedBBias(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, new float[] { 1, 2, 3 }, c, 2, 3, 0);
        Assert.Equal(new float[] { 1, 2, 3, 1, 2, 3 }, c);
        Array.Fill(c, float.NaN);
        Gemm.Multiply(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, c, 2, 3, 0);
        Assert.All(c, v => Assert.Equal(0f, v));
        Array.Fill(c, float.NaN);
        Gemm.MultiplyTransposedA(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, c, 2, 3, 0);
        Assert.All(c, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void SteadyStateAllocatesNothing()
    {
        // Every path: blocked with one and several m-blocks, ragged tiles, the dot path, GEMV.
        var shapes = new (int M, int N, int K)[] { (128, 784, 128), (300, 300, 300), (1, 784, 128), (2, 10, 128), (33, 17, 7) };
        var buffers = new List<(float[] A, float[] B, float[] Bias, float[] C, int M, int N, int K)>();
        foreach (var (m, n, k) in shapes)
            buffers.Add((Random(Math.Max(m, n) * k, 30), Random(Math.Max(m, n) * k, 31), Random(n, 32), new float[m * n], m, n, k));

        void RunAll()
        {
            foreach (var (a, b, bias, c, m, n, k) in buffers)
            {
                Gemm.MultiplyTransposedBBias(a, b, bias, c, m, n, k);
                Gemm.MultiplyTransposedB(a, b, c, m, n, k);
                Gemm.Multiply(a, b, c, m, n, k);
                Gemm.MultiplyTransposedA(a, b, c, m, n, k);
            }
        }

        for (int i = 0; i < 5; i++)
            RunAll();
        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int i = 0; i < 100; i++)
                RunAll();
        }));
    }

    [Fact]
    public void DenseForwardAddsBiasThenActivation()
    {
        int batch = 5, inF = 33, outF = 17;
        var x = Random(batch * inF, 40);
        var w = Random(outF * inF, 41);
        var bias = Random(outF, 42);
        var z = new float[batch * outF];
        var y = new float[batch * outF];
        Dense.Forward(x, w, bias, z, y, batch, inF, outF, new ReluActivation());

        var expectedZ = new float[batch * outF];
        GemmReference.MultiplyTransposedBBias(x, w, bias, expectedZ, batch, outF, inF);
        AssertClose(expectedZ, z, inF, "Dense z");
        for (int i = 0; i < y.Length; i++)
            Assert.Equal(Math.Max(z[i], 0f), y[i]);
    }
}
