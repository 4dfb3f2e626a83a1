using System;
using System.Linq;
using Axon.Kernels;
using Axon.Testing;
using Xunit;
using static Axon.Runtime.Tests.Kernels.RecurrentTestSupport;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// <see cref="Lstm"/> and <see cref="Gru"/> against a double-precision reference: outputs, and every gradient
/// against central differences of that reference (ReturnSequences on and off, one sample and several, a
/// single step, widths with and without a vector tail, no biases); thread-count determinism; 0 B per call.
/// </summary>
public class RecurrentKernelTests
{
    public static TheoryData<bool, int, int, int, int, bool, bool> Shapes()
    {
        var data = new TheoryData<bool, int, int, int, int, bool, bool>();
        foreach (bool lstm in new[] { true, false })
        {
            data.Add(lstm, 3, 4, 3, 5, true, true);
            data.Add(lstm, 3, 4, 3, 5, false, true);
            data.Add(lstm, 1, 5, 2, 8, true, true);
            data.Add(lstm, 2, 1, 4, 11, false, true);
            data.Add(lstm, 2, 3, 2, 9, true, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_MatchesDoubleReference(bool lstm, int n, int t, int f, int h, bool seq, bool bias)
    {
        var (x, w, b) = Inputs(lstm, n, t, f, h, bias, seed: 1);
        var y = new float[n * h * (seq ? t : 1)];
        var ws = new float[n * Workspace(lstm, t, f, h)];
        Forward(lstm, x, w, b, y, ws, n, t, f, h, seq);
        var expected = Reference(lstm, ToDouble(x), ToDouble(w), ToDouble(b), n, t, f, h, seq);
        LayerTestSupport.Close(expected, y, 1e-5, 1e-6, lstm ? "lstm y" : "gru y");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_MatchesFiniteDifferences(bool lstm, int n, int t, int f, int h, bool seq, bool bias)
    {
        var (x, w, b) = Inputs(lstm, n, t, f, h, bias, seed: 2);
        int outputs = n * h * (seq ? t : 1);
        var r = LayerTestSupport.Random(outputs, 3);
        var ws = new float[n * Workspace(lstm, t, f, h)];
        Forward(lstm, x, w, b, new float[outputs], ws, n, t, f, h, seq);
        float[] dw = new float[w.Length], db = new float[b.Length], dx = new float[x.Length];
        Backward(lstm, x, w, r, ws, dw, db, dx, n, t, f, h, seq);

        double[] xd = ToDouble(x), wd = ToDouble(w), bd = ToDouble(b), rd = ToDouble(r);
        double L() => Loss(rd, Reference(lstm, xd, wd, bd, n, t, f, h, seq));
        Check(xd, dx, L, "dx");
        Check(wd, dw, L, "dweight");
        Check(bd, db, L, "dbias");
    }

    // Central differences in double: the reference is smooth, so a 1e-6 step leaves ~1e-9 of error and
    // the tolerance only has to absorb the float32 kernel's rounding.
    private static void Check(double[] values, float[] analytic, Func<double> loss, string what)
    {
        var indices = LayerTestSupport.Sample(values.Length, 60, 7);
        int count = indices?.Count ?? values.Length;
        for (int k = 0; k < count; k++)
        {
            int i = indices?[k] ?? k;
            double saved = values[i];
            values[i] = saved + 1e-6;
            double up = loss();
            values[i] = saved - 1e-6;
            double down = loss();
            values[i] = saved;
            double numeric = (up - down) / 2e-6;
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-4 + 1e-3 * Math.Abs(numeric),
                $"{what}[{i}]: finite differences {numeric:R}, kernel {analytic[i]:R}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Results_AreTheSameBits_ForAnyThreadCount(bool lstm)
    {
        const int n = 32, t = 10, f = 16, h = 64;
        float[][] Run(WorkerPool? pool)
        {
            var (x, w, b) = Inputs(lstm, n, t, f, h, true, seed: 4);
            var y = new float[n * t * h];
            var ws = new float[n * Workspace(lstm, t, f, h)];
            Forward(lstm, x, w, b, y, ws, n, t, f, h, true, pool);
            float[] dw = new float[w.Length], db = new float[b.Length], dx = new float[x.Length];
            Backward(lstm, x, w, LayerTestSupport.Random(y.Length, 5), ws, dw, db, dx, n, t, f, h, true, pool);
            return [y, dw, db, dx];
        }
        var one = Run(null);
        var two = Run(WorkerPool.Get(2));
        for (int k = 0; k < one.Length; k++)
            Assert.Equal(one[k], two[k]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ForwardAndBackward_AllocateNothing(bool lstm)
    {
        const int n = 4, t = 30, f = 4, h = 64;
        var (x, w, b) = Inputs(lstm, n, t, f, h, true, seed: 6);
        var y = new float[n * h];
        var ws = new float[n * Workspace(lstm, t, f, h)];
        float[] dw = new float[w.Length], db = new float[b.Length], dx = new float[x.Length], dy = LayerTestSupport.Random(y.Length, 8);
        for (int warm = 0; warm < 2; warm++)
        {
            Forward(lstm, x, w, b, y, ws, n, t, f, h, false);
            Backward(lstm, x, w, dy, ws, dw, db, dx, n, t, f, h, false);
        }
        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int i = 0; i < 5; i++)
            {
                Forward(lstm, x, w, b, y, ws, n, t, f, h, false);
                Backward(lstm, x, w, dy, ws, dw, db, dx, n, t, f, h, false);
            }
        }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Backward_AskedForNothing_WritesNothing(bool lstm)
    {
        const int n = 2, t = 3, f = 2, h = 8;
        var (x, w, b) = Inputs(lstm, n, t, f, h, true, seed: 10);
        var ws = new float[n * Workspace(lstm, t, f, h)];
        Forward(lstm, x, w, b, new float[n * h], ws, n, t, f, h, false);
        var kept = (float[])ws.Clone();
        float[] dw = LayerTestSupport.Filled(w.Length, float.NaN), db = LayerTestSupport.Filled(b.Length, float.NaN), dx = LayerTestSupport.Filled(x.Length, float.NaN);
        if (lstm) Lstm.Backward(x, w, LayerTestSupport.Random(n * h, 11), ws, dw, db, dx, n, t, f, h, false, false, false);
        else Gru.Backward(x, w, LayerTestSupport.Random(n * h, 11), ws, dw, db, dx, n, t, f, h, false, false, false);
        Assert.Equal(kept, ws);
        Assert.All(dw.Concat(db).Concat(dx), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void ShortWorkspace_Throws_SayingWhatItNeeds()
    {
        var (x, w, b) = Inputs(true, 2, 3, 4, 5, true, seed: 9);
        var ws = new float[2 * Lstm.WorkspaceLength(3, 4, 5) - 1];
        var e = Assert.Throws<ArgumentException>(() => Lstm.Forward(x, w, b, new float[10], ws, 2, 3, 4, 5, false));
        Assert.Contains($"workspace has {ws.Length} values, Lstm.Forward needs at least {ws.Length + 1}", e.Message);
        var g = Assert.Throws<ArgumentException>(() => Gru.Forward(x, new float[10], default, new float[10], new float[1000], 2, 3, 4, 5, false));
        Assert.Contains("weight has 10 values, Gru.Forward needs at least 135", g.Message);
    }

    private static (float[] X, float[] W, float[] B) Inputs(bool lstm, int n, int t, int f, int h, bool bias, int seed)
    {
        int g = Gates(lstm) * h;
        float bound = 1f / MathF.Sqrt(h);
        return (LayerTestSupport.Random(n * t * f, seed, -2f, 2f),
                LayerTestSupport.Random(g * (f + h), seed + 100, -2 * bound, 2 * bound),
                bias ? LayerTestSupport.Random(2 * g, seed + 200, -bound, bound) : []);
    }
}
