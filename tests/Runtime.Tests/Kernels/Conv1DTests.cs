using System;
using System.Collections.Generic;
using Axon.Kernels;
using Axon.Testing;
using Xunit;
using static Axon.Runtime.Tests.Kernels.LayerTestSupport;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>Conv1D on step-major sequences: the definition, finite differences for every padding, dilation and stride, threads, errors.</summary>
public class Conv1DTests
{
    // (T, C, F, K, stride, dilation, padding): valid, same (odd and even totals), causal, dilation 2 and 3,
    // stride 2 and 3, pointwise (read in place) and a strided 1-tap, one large enough for the products to split.
    private static readonly (int T, int C, int F, int K, int S, int D, Padding P)[] Shapes =
    {
        (7, 3, 4, 3, 1, 1, Padding.Valid),
        (8, 2, 3, 3, 1, 2, Padding.Valid),
        (9, 3, 2, 4, 2, 1, Padding.Same),
        (10, 2, 3, 3, 1, 3, Padding.Same),
        (8, 3, 4, 3, 1, 1, Padding.Causal),
        (11, 2, 3, 2, 2, 2, Padding.Causal),
        (9, 2, 2, 3, 3, 1, Padding.Valid),
        (6, 4, 5, 1, 1, 1, Padding.Valid),
        (7, 3, 2, 1, 2, 1, Padding.Same),
        (64, 16, 32, 5, 1, 1, Padding.Same),
    };

    private static readonly string[] Activations = { "Identity", "Relu", "Gelu" };

    public static IEnumerable<object[]> Cases()
    {
        for (int s = 0; s < Shapes.Length - 1; s++)
            yield return new object[] { s, s % 2 == 0 ? 3 : 1, s % 3 != 2, Activations[s % 3] };
    }

    private static Conv1DShape ShapeOf(int index)
    {
        var (t, c, f, k, s, d, p) = Shapes[index];
        return Conv1DShape.Create(t, c, f, k, s, d, p);
    }

    private static void Forward(string act, float[] x, float[] w, float[] b, float[] z, float[] y, float[] cols, int batch, in Conv1DShape shape, WorkerPool? pool = null)
    {
        switch (act)
        {
            case "Identity": Conv1D.Forward(x, w, b, z, y, cols, batch, shape, new IdentityActivation(), pool); break;
            case "Relu": Conv1D.Forward(x, w, b, z, y, cols, batch, shape, new ReluActivation(), pool); break;
            case "Gelu": Conv1D.Forward(x, w, b, z, y, cols, batch, shape, new GeluActivation(), pool); break;
            default: throw new ArgumentException(act);
        }
    }

    private static void Backward(string act, float[] x, float[] cols, float[] w, float[] z, float[] y, float[] dy, float[] dw, float[] db, float[] dx, float[] dcols,
        int batch, in Conv1DShape shape, bool parameters, bool input, float[] scratch, WorkerPool? pool = null)
    {
        switch (act)
        {
            case "Identity": Conv1D.Backward(x, cols, w, z, y, dy, dw, db, dx, dcols, batch, shape, new IdentityActivation(), parameters, input, pool, scratch); break;
            case "Relu": Conv1D.Backward(x, cols, w, z, y, dy, dw, db, dx, dcols, batch, shape, new ReluActivation(), parameters, input, pool, scratch); break;
            case "Gelu": Conv1D.Backward(x, cols, w, z, y, dy, dw, db, dx, dcols, batch, shape, new GeluActivation(), parameters, input, pool, scratch); break;
            default: throw new ArgumentException(act);
        }
    }

    /// <summary>The definition, in double, on <c>[n, T, C]</c> data with a <c>[F, C, K]</c> weight.</summary>
    private static double[] Reference(float[] x, float[] w, float[] b, int batch, in Conv1DShape s)
    {
        var z = new double[batch * s.OutputSize];
        for (int n = 0; n < batch; n++)
            for (int t = 0; t < s.OutSteps; t++)
                for (int f = 0; f < s.Filters; f++)
                {
                    double sum = b.Length > 0 ? b[f] : 0;
                    for (int c = 0; c < s.Channels; c++)
                        for (int k = 0; k < s.Kernel; k++)
                        {
                            int step = t * s.Stride + k * s.Dilation - s.PadLeft;
                            if (step < 0 || step >= s.Steps) continue;
                            sum += (double)w[(f * s.Channels + c) * s.Kernel + k] * x[(n * s.Steps + step) * s.Channels + c];
                        }
                    z[(n * s.OutSteps + t) * s.Filters + f] = sum;
                }
        return z;
    }

    [Theory]
    [InlineData(10, 3, 1, 1, Padding.Valid, 8, 0)]
    [InlineData(10, 3, 1, 2, Padding.Valid, 6, 0)]
    [InlineData(10, 3, 2, 1, Padding.Same, 5, 0)]   // total pad max(4·2 + 3 − 10, 0) = 1: none before, one after
    [InlineData(10, 4, 1, 1, Padding.Same, 10, 1)]  // total 3: one before, two after (Keras)
    [InlineData(10, 3, 1, 2, Padding.Causal, 10, 4)]
    [InlineData(10, 3, 3, 1, Padding.Causal, 4, 2)]
    public void Create_FollowsKerasForValidSameAndCausal(int steps, int kernel, int stride, int dilation, Padding padding, int outSteps, int padLeft)
    {
        var s = Conv1DShape.Create(steps, 2, 3, kernel, stride, dilation, padding);
        Assert.Equal((outSteps, padLeft), (s.OutSteps, s.PadLeft));
    }

    [Fact]
    public void Create_ValidWindowLongerThanTheInput_Throws_SayingWhy()
    {
        var e = Assert.Throws<ArgumentException>(() => Conv1DShape.Create(5, 2, 3, 3, 1, 3, Padding.Valid));
        Assert.Contains("spanning 7 steps", e.Message);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardMatchesTheDefinition(int shapeIndex, int batch, bool withBias, string act)
    {
        var s = ShapeOf(shapeIndex);
        var x = Random(batch * s.InputSize, 1 + shapeIndex);
        var w = Random(s.Filters * s.Patch, 2 + shapeIndex);
        var b = withBias ? Random(s.Filters, 3 + shapeIndex) : Array.Empty<float>();
        var z = new float[batch * s.OutputSize];
        var y = new float[z.Length];
        Forward(act, x, w, b, z, y, new float[batch * s.ColumnsLength], batch, s);
        var expected = Reference(x, w, b, batch, s);
        var activated = new double[expected.Length];
        for (int i = 0; i < expected.Length; i++) activated[i] = Activate(act, expected[i]);
        Close(activated, y, 1e-5, 1e-5, "y");
    }

    [Fact]
    public void CausalPadding_NeverReadsALaterStep()
    {
        var s = Conv1DShape.Create(12, 2, 3, 3, 1, 2, Padding.Causal);
        var x = Random(s.InputSize, 5);
        var w = Random(s.Filters * s.Patch, 6);
        var b = Random(s.Filters, 7);
        var before = new float[s.OutputSize];
        Forward("Identity", x, w, b, new float[s.OutputSize], before, new float[s.ColumnsLength], 1, s);
        for (int i = 6 * s.Channels; i < x.Length; i++) x[i] += 10f;   // change steps 6 onwards
        var after = new float[s.OutputSize];
        Forward("Identity", x, w, b, new float[s.OutputSize], after, new float[s.ColumnsLength], 1, s);
        Assert.Equal(before.AsSpan(0, 6 * s.Filters).ToArray(), after.AsSpan(0, 6 * s.Filters).ToArray());
        Assert.NotEqual(before[6 * s.Filters], after[6 * s.Filters]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardMatchesFiniteDifferences(int shapeIndex, int batch, bool withBias, string act)
    {
        var s = ShapeOf(shapeIndex);
        var x = Random(batch * s.InputSize, 10 + shapeIndex);
        var w = Random(s.Filters * s.Patch, 20 + shapeIndex);
        var b = withBias ? Random(s.Filters, 30 + shapeIndex) : Array.Empty<float>();
        var r = Random(batch * s.OutputSize, 40 + shapeIndex);
        var cols = new float[batch * s.ColumnsLength];
        var z0 = new float[batch * s.OutputSize];
        var y0 = new float[z0.Length];
        Forward(act, x, w, b, z0, y0, cols, batch, s);
        var baseZ = (float[])z0.Clone();

        var dw = Filled(w.Length, float.NaN);
        var db = withBias ? Filled(s.Filters, float.NaN) : Array.Empty<float>();
        var dx = Filled(x.Length, float.NaN);
        Backward(act, x, cols, w, z0, y0, (float[])r.Clone(), dw, db, dx, new float[cols.Length], batch, s, true, true, new float[batch * s.OutputSize]);

        var z = new float[z0.Length];
        var y = new float[y0.Length];
        var scratchCols = new float[cols.Length];
        double Loss()
        {
            Forward(act, x, w, b, z, y, scratchCols, batch, s);
            if (act == "Relu")
                for (int i = 0; i < z.Length; i++)
                    if (z[i] > 0 != baseZ[i] > 0) return double.NaN;
            return LayerTestSupport.Loss(r, y);
        }

        float h = act == "Relu" ? 2e-3f : 1e-2f;
        bool relu = act == "Relu";
        CheckGradient(x, dx, Loss, h, 5e-4, "dx", Sample(x.Length, 60, 1), relu);
        CheckGradient(w, dw, Loss, h, 5e-4, "dw", Sample(w.Length, 60, 2), relu);
        if (withBias) CheckGradient(b, db, Loss, h, 5e-4, "db", null, relu);
    }

    [Fact]
    public void BackwardComputesOnlyWhatIsAsked()
    {
        var s = ShapeOf(4);
        var x = Random(2 * s.InputSize, 50);
        var w = Random(s.Filters * s.Patch, 51);
        var cols = new float[2 * s.ColumnsLength];
        var z = new float[2 * s.OutputSize];
        var y = new float[z.Length];
        Forward("Identity", x, w, [], z, y, cols, 2, s);
        var dw = Filled(w.Length, 7f);
        var dx = Filled(x.Length, 7f);
        Backward("Identity", x, cols, w, z, y, Random(z.Length, 52), dw, [], dx, new float[cols.Length], 2, s, parameters: false, input: true, new float[z.Length]);
        Assert.All(dw, v => Assert.Equal(7f, v));
        Assert.Contains(dx, v => v != 7f);
        var dx2 = Filled(x.Length, 7f);
        Backward("Identity", x, cols, w, z, y, Random(z.Length, 52), dw, [], dx2, new float[cols.Length], 2, s, parameters: true, input: false, new float[z.Length]);
        Assert.All(dx2, v => Assert.Equal(7f, v));
        Assert.Contains(dw, v => v != 7f);
    }

    [Fact]
    public void WorkerPoolGivesTheSameBitsForAnyThreadCount()
    {
        var s = ShapeOf(Shapes.Length - 1);
        int batch = 8;
        var x = Random(batch * s.InputSize, 60);
        var w = Random(s.Filters * s.Patch, 61);
        var b = Random(s.Filters, 62);
        var r = Random(batch * s.OutputSize, 63);

        (float[] Y, float[] Dw, float[] Db, float[] Dx) Run(WorkerPool? pool)
        {
            var cols = new float[batch * s.ColumnsLength];
            var z = new float[batch * s.OutputSize];
            var y = new float[z.Length];
            Forward("Relu", x, w, b, z, y, cols, batch, s, pool);
            float[] dw = new float[w.Length], db = new float[b.Length], dx = new float[x.Length];
            Backward("Relu", x, cols, w, z, y, (float[])r.Clone(), dw, db, dx, new float[cols.Length], batch, s, true, true, new float[z.Length], pool);
            return (y, dw, db, dx);
        }

        var single = Run(null);
        foreach (int threads in new[] { 2, 3 })
        {
            var parallel = Run(WorkerPool.Get(threads));
            Assert.Equal(single.Y, parallel.Y);
            Assert.Equal(single.Dw, parallel.Dw);
            Assert.Equal(single.Db, parallel.Db);
            Assert.Equal(single.Dx, parallel.Dx);
        }
    }

    [Fact]
    public void ForwardAndBackward_AllocateNothing()
    {
        var s = ShapeOf(5);
        int batch = 4;
        var x = Random(batch * s.InputSize, 70);
        var w = Random(s.Filters * s.Patch, 71);
        var b = Random(s.Filters, 72);
        var cols = new float[batch * s.ColumnsLength];
        var dcols = new float[cols.Length];
        var z = new float[batch * s.OutputSize];
        var y = new float[z.Length];
        var dy = Random(z.Length, 73);
        float[] dw = new float[w.Length], db = new float[b.Length], dx = new float[x.Length], scratch = new float[z.Length];
        void Step()
        {
            Conv1D.Forward(x, w, b, z, y, cols, batch, s, new TanhActivation());
            Conv1D.Backward(x, cols, w, z, y, dy, dw, db, dx, dcols, batch, s, new TanhActivation(), true, true, null, scratch);
        }
        Step();
        Assert.Equal(0, Allocations.Least(() => { for (int i = 0; i < 10; i++) Step(); }));
    }

    [Fact]
    public void ShortSpansThrowNamingTheSpan()
    {
        var s = ShapeOf(0);
        var e = Assert.Throws<ArgumentException>(() =>
            Conv1D.Forward(new float[s.InputSize - 1], new float[s.Filters * s.Patch], [], new float[s.OutputSize], new float[s.OutputSize], new float[s.ColumnsLength], 1, s, new IdentityActivation()));
        Assert.Equal("x", e.ParamName);
        e = Assert.Throws<ArgumentException>(() =>
            Conv1D.Forward(new float[s.InputSize], new float[s.Filters * s.Patch], [], new float[s.OutputSize], new float[s.OutputSize], new float[s.ColumnsLength - 1], 1, s, new IdentityActivation()));
        Assert.Equal("columns", e.ParamName);
    }
}
