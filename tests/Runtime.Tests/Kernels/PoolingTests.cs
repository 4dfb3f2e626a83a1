using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Axon.Kernels;
using Axon.Testing;
using Xunit;
using static Axon.Runtime.Tests.Kernels.LayerTestSupport;

namespace Axon.Runtime.Tests.Kernels;

public class PoolingTests
{
    // (C, H, W, window, stride, same): the usual 2×2/2, ragged valid (odd sizes), same with an odd
    // total pad, overlapping windows (stride < window), window equal to the input, stride 1, and
    // rows wide enough for the eight- and four-window vector paths of 2×2/2 (overlapping their last
    // group, with a ragged column after it), and wide rows of other windows at strides 1 and 2.
    private static readonly (int C, int H, int W, int Window, int Stride, bool Same)[] Shapes =
    {
        (1, 4, 4, 2, 2, false),
        (3, 5, 7, 2, 2, false),
        (3, 5, 7, 2, 2, true),
        (2, 6, 5, 3, 2, true),
        (1, 7, 7, 3, 2, false),
        (2, 4, 4, 4, 1, false),
        (1, 5, 6, 3, 1, true),
        (3, 6, 6, 4, 3, true),
        (2, 6, 37, 2, 2, true),
        (1, 5, 16, 2, 2, false),
        (2, 14, 14, 2, 2, false),
        (1, 4, 9, 2, 2, true),
        (2, 7, 30, 3, 2, true),
        (1, 5, 20, 3, 1, true),
        (1, 9, 25, 4, 2, false),
    };

    public static IEnumerable<object[]> Cases()
    {
        for (int s = 0; s < Shapes.Length; s++)
            foreach (int batch in new[] { 1, 3 })
                yield return new object[] { s, batch };
    }

    private static Pool2DShape ShapeOf(int index)
    {
        var (c, h, w, k, s, same) = Shapes[index];
        return Pool2DShape.Create(c, h, w, k, s, same);
    }

    /// <summary>Values that are all distinct and at least 0.05 apart, shuffled: a step of 1e-2 never changes a window's argmax.</summary>
    private static float[] Distinct(int length, int seed)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = 0.05f * (i - length / 2);
        new Random(seed).Shuffle(x);
        return x;
    }

    /// <summary>The pooling windows by their definition: for each output, the in-bounds input offsets in row-major order.</summary>
    private static List<int>[] Windows(int batch, in Pool2DShape s)
    {
        var windows = new List<int>[batch * s.OutputSize];
        int o = 0;
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < s.Channels; c++)
                for (int i = 0; i < s.OutHeight; i++)
                    for (int j = 0; j < s.OutWidth; j++)
                    {
                        var cells = new List<int>();
                        for (int u = 0; u < s.Window; u++)
                            for (int v = 0; v < s.Window; v++)
                            {
                                int h = i * s.Stride + u - s.PadTop, w = j * s.Stride + v - s.PadLeft;
                                if (h >= 0 && h < s.Height && w >= 0 && w < s.Width)
                                    cells.Add(((n * s.Channels + c) * s.Height + h) * s.Width + w);
                            }
                        windows[o++] = cells;
                    }
        return windows;
    }

    private static int FirstMax(float[] x, List<int> cells)
    {
        foreach (int cell in cells)
            if (float.IsNaN(x[cell])) return cell; // a NaN wins, the first one
        int best = cells[0];
        foreach (int cell in cells)
            if (x[cell] > x[best]) best = cell;
        return best;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxPoolPropagatesNaNAndSendsItsGradientToTheFirstNaN(int shapeIndex, int batch)
    {
        var s = ShapeOf(shapeIndex);
        var x = Random(batch * s.InputSize, 100 + shapeIndex);
        var rng = new Random(shapeIndex);
        for (int i = 0; i < x.Length; i++)
            if (rng.Next(7) == 0) x[i] = float.NaN;
        var y = new float[batch * s.OutputSize];
        MaxPool2D.Forward(x, y, batch, s);
        var r = Random(y.Length, 110 + shapeIndex);
        var dx = Filled(x.Length, float.NaN);
        MaxPool2D.Backward(x, r, dx, batch, s);

        var windows = Windows(batch, s);
        var expected = new double[x.Length];
        int nans = 0;
        for (int o = 0; o < y.Length; o++)
        {
            int first = FirstMax(x, windows[o]);
            Assert.Equal(x[first], y[o]); // NaN equals NaN in Assert.Equal
            if (float.IsNaN(x[first])) nans++;
            expected[first] += r[o];
        }
        Assert.True(nans > 0);
        Close(expected, dx, 1e-6, 1e-7, "dx");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxPoolForwardMatchesDefinition(int shapeIndex, int batch)
    {
        var s = ShapeOf(shapeIndex);
        var x = Random(batch * s.InputSize, shapeIndex);
        var y = Filled(batch * s.OutputSize, float.NaN);
        MaxPool2D.Forward(x, y, batch, s);
        var windows = Windows(batch, s);
        for (int o = 0; o < y.Length; o++)
        {
            double max = double.NegativeInfinity;
            foreach (int cell in windows[o]) max = Math.Max(max, x[cell]);
            Assert.Equal((float)max, y[o]);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AvgPoolForwardMatchesDefinition(int shapeIndex, int batch)
    {
        var s = ShapeOf(shapeIndex);
        var x = Random(batch * s.InputSize, 10 + shapeIndex);
        var y = Filled(batch * s.OutputSize, float.NaN);
        AvgPool2D.Forward(x, y, batch, s);
        var windows = Windows(batch, s);
        var expected = new double[y.Length];
        for (int o = 0; o < y.Length; o++)
        {
            double sum = 0;
            foreach (int cell in windows[o]) sum += x[cell];
            expected[o] = sum / windows[o].Count; // padding not counted
        }
        Close(expected, y, 1e-6, 1e-6, "avg");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AvgPoolSumsEachWindowInRowMajorOrder(int shapeIndex, int batch)
    {
        // Every path, vector or one window at a time, gives the float sum in row-major order divided by the count.
        var s = ShapeOf(shapeIndex);
        var x = Random(batch * s.InputSize, 120 + shapeIndex);
        var y = new float[batch * s.OutputSize];
        AvgPool2D.Forward(x, y, batch, s);
        var windows = Windows(batch, s);
        for (int o = 0; o < y.Length; o++)
        {
            float sum = 0f;
            foreach (int cell in windows[o]) sum += x[cell];
            Assert.Equal(sum / windows[o].Count, y[o]);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxPoolBackwardMatchesFiniteDifferences(int shapeIndex, int batch)
    {
        var s = ShapeOf(shapeIndex);
        var x = Distinct(batch * s.InputSize, 20 + shapeIndex);
        var r = Random(batch * s.OutputSize, 30 + shapeIndex);
        var dx = Filled(x.Length, float.NaN);
        MaxPool2D.Backward(x, r, dx, batch, s);
        var y = new float[r.Length];
        double Loss()
        {
            MaxPool2D.Forward(x, y, batch, s);
            return LayerTestSupport.Loss(r, y);
        }
        CheckGradient(x, dx, Loss, 1e-2f, 1e-5, "dx");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AvgPoolBackwardMatchesFiniteDifferences(int shapeIndex, int batch)
    {
        var s = ShapeOf(shapeIndex);
        var x = Random(batch * s.InputSize, 40 + shapeIndex);
        var r = Random(batch * s.OutputSize, 50 + shapeIndex);
        var dx = Filled(x.Length, float.NaN);
        AvgPool2D.Backward(r, dx, batch, s);
        var y = new float[r.Length];
        double Loss()
        {
            AvgPool2D.Forward(x, y, batch, s);
            return LayerTestSupport.Loss(r, y);
        }
        CheckGradient(x, dx, Loss, 1e-2f, 1e-4, "dx");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxPoolTiesSendTheGradientToTheFirstMaximum(int shapeIndex, int batch)
    {
        var s = ShapeOf(shapeIndex);
        // Two levels only, so nearly every window holds tied maxima.
        var x = Random(batch * s.InputSize, 60 + shapeIndex);
        for (int i = 0; i < x.Length; i++) x[i] = x[i] > 0 ? 1f : -1f;
        var r = Random(batch * s.OutputSize, 70 + shapeIndex);
        var dx = Filled(x.Length, float.NaN);
        MaxPool2D.Backward(x, r, dx, batch, s);

        var expected = new double[x.Length];
        var windows = Windows(batch, s);
        int ties = 0;
        for (int o = 0; o < r.Length; o++)
        {
            int first = FirstMax(x, windows[o]);
            expected[first] += r[o]; // overlapping windows accumulate
            foreach (int cell in windows[o])
                if (cell != first && x[cell] == x[first]) { ties++; break; }
        }
        Assert.True(ties > 0);
        Close(expected, dx, 1e-6, 1e-7, "dx");
    }

    [Fact]
    public void MaxPoolAllEqualWindowsPickTheTopLeftInBoundsCell()
    {
        // 2×2 windows, stride 1, same (pad at the bottom/right): every window is tied at 3.
        var s = Pool2DShape.Create(1, 3, 3, 2, 1, same: true);
        var x = Filled(9, 3f);
        var g = new float[9];
        for (int i = 0; i < 9; i++) g[i] = 1 << i; // distinct powers of two show which window sent what
        var dx = new float[9];
        MaxPool2D.Backward(x, g, dx, 1, s);
        // Window (i, j) starts at cell (i, j), which is in bounds: each cell gets exactly its own window's gradient.
        Assert.Equal(g, dx);
        var y = new float[9];
        MaxPool2D.Forward(x, y, 1, s);
        Assert.Equal(x, y);
    }

    [Fact]
    public void MaxPoolPaddingNeverWins()
    {
        // All-negative input with same padding: zeros in the padding must not become the max.
        var s = Pool2DShape.Create(1, 3, 3, 2, 2, same: true);
        Assert.Equal((2, 2, 0, 0), (s.OutHeight, s.OutWidth, s.PadTop, s.PadLeft)); // one pad row below, one column right
        var x = Random(9, 80, -2f, -1f);
        var y = new float[s.OutputSize];
        MaxPool2D.Forward(x, y, 1, s);
        Assert.All(y, v => Assert.True(v < -0.5f));
        Assert.Equal(x[8], y[3]); // the bottom-right window holds only x[2, 2]
    }

    [Fact]
    public void GlobalAveragePoolMatchesDefinitionAndFiniteDifferences()
    {
        int batch = 3, channels = 5, spatial = 13;
        var x = Random(batch * channels * spatial, 90);
        var y = Filled(batch * channels, float.NaN);
        GlobalAveragePool.Forward(x, y, batch, channels, spatial);
        var expected = new double[y.Length];
        for (int p = 0; p < y.Length; p++)
        {
            double sum = 0;
            for (int i = 0; i < spatial; i++) sum += x[p * spatial + i];
            expected[p] = sum / spatial;
        }
        Close(expected, y, 1e-6, 1e-7, "gap");

        var r = Random(y.Length, 91);
        var dx = Filled(x.Length, float.NaN);
        GlobalAveragePool.Backward(r, dx, batch, channels, spatial);
        double Loss()
        {
            GlobalAveragePool.Forward(x, y, batch, channels, spatial);
            return LayerTestSupport.Loss(r, y);
        }
        CheckGradient(x, dx, Loss, 1e-2f, 1e-4, "dx");
    }

    [Fact]
    public void ShapeRejectsWindowsOutsideTheInputAndShortSpans()
    {
        // A top pad as large as the window leaves the first window all padding.
        Assert.Throws<ArgumentException>(() => new Pool2DShape(1, 4, 4, 2, 2, 2, 0, 2, 2));
        // Outputs past the bottom edge.
        Assert.Throws<ArgumentException>(() => new Pool2DShape(1, 4, 4, 2, 2, 0, 0, 3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pool2DShape.Create(1, 4, 4, 2, 0, false));
        var s = Pool2DShape.Create(2, 4, 4, 2, 2, false);
        var e = Assert.Throws<ArgumentException>(() => MaxPool2D.Forward(new float[32], new float[7], 1, s));
        Assert.Equal("output", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => AvgPool2D.Backward(new float[8], new float[31], 1, s));
        Assert.Equal("inputGrad", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => MaxPool2D.Backward(new float[32], new float[8], new float[31], 1, s));
        Assert.Equal("inputGrad", e.ParamName);
    }

    [Fact]
    public void SteadyStateAllocatesNothing()
    {
        int batch = 4;
        var s = Pool2DShape.Create(8, 14, 14, 3, 2, same: true);
        var x = Random(batch * s.InputSize, 1);
        var y = new float[batch * s.OutputSize];
        var dx = new float[x.Length];
        var g = new float[batch * 8];
        void RunAll()
        {
            MaxPool2D.Forward(x, y, batch, s);
            MaxPool2D.Backward(x, y, dx, batch, s);
            AvgPool2D.Forward(x, y, batch, s);
            AvgPool2D.Backward(y, dx, batch, s);
            GlobalAveragePool.Forward(x, g, batch, 8, 14 * 14);
            GlobalAveragePool.Backward(g, dx, batch, 8, 14 * 14);
        }
        for (int i = 0; i < 3; i++) RunAll();
        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int i = 0; i < 20; i++) RunAll();
        }));
    }

    /// <summary>Every pooling pass of the shape at a batch whose pass is large enough to be split, on <paramref name="pool"/>: all outputs.</summary>
    private static float[][] RunAll(int shapeIndex, int batch, WorkerPool? pool)
    {
        var s = ShapeOf(shapeIndex);
        var x = Random(batch * s.InputSize, 200 + shapeIndex);
        var rng = new Random(shapeIndex);
        for (int i = 0; i < x.Length; i++)
            if (rng.Next(50) == 0) x[i] = rng.Next(2) == 0 ? float.NaN : 0.5f; // NaNs and ties
        var g = Random(batch * s.OutputSize, 210 + shapeIndex);
        int spatial = s.Height * s.Width;
        var results = new float[6][];
        results[0] = Filled(g.Length, 7f);
        MaxPool2D.Forward(x, results[0], batch, s, pool);
        results[1] = Filled(x.Length, float.NaN); // backward must overwrite every cell, on every part
        MaxPool2D.Backward(x, g, results[1], batch, s, pool);
        results[2] = Filled(g.Length, 7f);
        AvgPool2D.Forward(x, results[2], batch, s, pool);
        results[3] = Filled(x.Length, float.NaN);
        AvgPool2D.Backward(g, results[3], batch, s, pool);
        results[4] = Filled(batch * s.Channels, 7f);
        GlobalAveragePool.Forward(x, results[4], batch, s.Channels, spatial, pool);
        results[5] = Filled(x.Length, float.NaN);
        GlobalAveragePool.Backward(results[4], results[5], batch, s.Channels, spatial, pool);
        return results;
    }

    public static IEnumerable<object[]> ShapeIndices()
    {
        for (int s = 0; s < Shapes.Length; s++) yield return new object[] { s };
    }

    [Theory]
    [MemberData(nameof(ShapeIndices))]
    public void EveryThreadCountGivesTheSameBits(int shapeIndex)
    {
        var s = ShapeOf(shapeIndex);
        // Every pass touches more than the input, so this batch splits them all; odd, so the planes divide unevenly.
        int batch = (int)(Math.Max(PlaneSplit.MinParallelFloats, PlaneSplit.MinParallelStreamingFloats) / s.InputSize + 1) | 1;
        Assert.Equal(3, PlaneSplit.Parts(WorkerPool.Get(3), (long)batch * (s.InputSize + s.Channels), batch * s.Channels, PlaneSplit.MinParallelStreamingFloats));
        Assert.Equal(3, PlaneSplit.Parts(WorkerPool.Get(3), (long)batch * (s.InputSize + s.OutputSize), batch * s.Channels));
        var alone = RunAll(shapeIndex, batch, null);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var split = RunAll(shapeIndex, batch, WorkerPool.Get(threads));
            for (int k = 0; k < alone.Length; k++)
                Assert.True(MemoryMarshal.AsBytes(alone[k].AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(split[k].AsSpan())),
                    $"pass {k} on {threads} threads differs from the caller alone");
        }
    }

    [Fact]
    public void SmallPassesRunOnTheCallerAlone()
    {
        var two = WorkerPool.Get(2);
        Assert.Equal(1, PlaneSplit.Parts(null, 1L << 30, 64));
        Assert.Equal(1, PlaneSplit.Parts(WorkerPool.Get(1), 1L << 30, 64));
        Assert.Equal(1, PlaneSplit.Parts(two, PlaneSplit.MinParallelFloats - 1, 64));
        Assert.Equal(2, PlaneSplit.Parts(two, PlaneSplit.MinParallelFloats, 64));
        Assert.Equal(1, PlaneSplit.Parts(two, PlaneSplit.MinParallelStreamingFloats - 1, 64, PlaneSplit.MinParallelStreamingFloats));
        Assert.Equal(2, PlaneSplit.Parts(two, PlaneSplit.MinParallelStreamingFloats, 64, PlaneSplit.MinParallelStreamingFloats));
        Assert.Equal(1, PlaneSplit.Parts(two, 1L << 30, 1)); // one plane cannot be split
        // The ranges cover the planes once, in order, sizes differing by at most one.
        foreach (int planes in new[] { 1, 2, 7, 64, 99 })
            foreach (int parts in new[] { 1, 2, 3 })
            {
                int next = 0;
                for (int part = 0; part < parts; part++)
                {
                    var (first, end) = WorkerPool.Share(planes, part, parts);
                    Assert.Equal(next, first);
                    Assert.InRange(end - first, planes / parts, (planes + parts - 1) / parts);
                    next = end;
                }
                Assert.Equal(planes, next);
            }
    }

    [Fact]
    public void SplitPassesAllocateNothing()
    {
        var pool = WorkerPool.Get(2);
        var s = Pool2DShape.Create(16, 28, 28, 2, 2, same: false);
        int batch = 12;
        Assert.Equal(2, PlaneSplit.Parts(pool, (long)batch * (s.InputSize + s.OutputSize), batch * s.Channels));
        Assert.Equal(2, PlaneSplit.Parts(pool, (long)batch * (s.InputSize + s.Channels), batch * s.Channels, PlaneSplit.MinParallelStreamingFloats));
        var x = Random(batch * s.InputSize, 3);
        var y = new float[batch * s.OutputSize];
        var dx = new float[x.Length];
        var g = new float[batch * 16];
        void RunAll()
        {
            MaxPool2D.Forward(x, y, batch, s, pool);
            MaxPool2D.Backward(x, y, dx, batch, s, pool);
            AvgPool2D.Forward(x, y, batch, s, pool);
            AvgPool2D.Backward(y, dx, batch, s, pool);
            GlobalAveragePool.Forward(x, g, batch, 16, 28 * 28, pool);
            GlobalAveragePool.Backward(g, dx, batch, 16, 28 * 28, pool);
        }
        for (int i = 0; i < 3; i++) RunAll();
        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int i = 0; i < 20; i++) RunAll();
        }));
    }
}
