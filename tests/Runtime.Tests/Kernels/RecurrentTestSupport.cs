using System;
using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// LSTM and GRU in double precision, written from PyTorch's documented equations with the plainest loops, and
/// a uniform way to call the two float kernels, for the recurrent kernel tests.
/// </summary>
internal static class RecurrentTestSupport
{
    public static int Gates(bool lstm) => lstm ? Lstm.Gates : Gru.Gates;

    public static long Workspace(bool lstm, int steps, int features, int units) =>
        lstm ? Lstm.WorkspaceLength(steps, features, units) : Gru.WorkspaceLength(steps, features, units);

    public static void Forward(bool lstm, float[] x, float[] w, float[] b, float[] y, float[] ws, int n, int t, int f, int h, bool seq, WorkerPool? pool = null)
    {
        if (lstm) Lstm.Forward(x, w, b, y, ws, n, t, f, h, seq, pool);
        else Gru.Forward(x, w, b, y, ws, n, t, f, h, seq, pool);
    }

    public static void Backward(bool lstm, float[] x, float[] w, float[] dy, float[] ws, float[] dw, float[] db, float[] dx, int n, int t, int f, int h, bool seq, WorkerPool? pool = null)
    {
        if (lstm) Lstm.Backward(x, w, dy, ws, dw, db, dx, n, t, f, h, seq, true, true, pool);
        else Gru.Backward(x, w, dy, ws, dw, db, dx, n, t, f, h, seq, true, true, pool);
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    /// <summary>
    /// The layer's output in double: <paramref name="w"/> is weight_ih then weight_hh, <paramref name="b"/> bias_ih
    /// then bias_hh (empty: none), <paramref name="x"/> is <c>[N, T, F]</c>.
    /// </summary>
    public static double[] Reference(bool lstm, double[] x, double[] w, double[] b, int n, int steps, int f, int h, bool seq)
    {
        int g = Gates(lstm) * h;
        var y = new double[n * h * (seq ? steps : 1)];
        for (int s = 0; s < n; s++)
        {
            var hs = new double[h];
            var cs = new double[h];
            for (int t = 0; t < steps; t++)
            {
                var gi = new double[g];
                var gh = new double[g];
                for (int k = 0; k < g; k++)
                {
                    double a = b.Length > 0 ? b[k] : 0, c = b.Length > 0 ? b[g + k] : 0;
                    for (int p = 0; p < f; p++) a += w[k * f + p] * x[(s * steps + t) * f + p];
                    for (int p = 0; p < h; p++) c += w[g * f + k * h + p] * hs[p];
                    gi[k] = a;
                    gh[k] = c;
                }
                var next = new double[h];
                for (int j = 0; j < h; j++)
                {
                    if (lstm)
                    {
                        double i = Sigmoid(gi[j] + gh[j]), fg = Sigmoid(gi[h + j] + gh[h + j]);
                        double gg = Math.Tanh(gi[2 * h + j] + gh[2 * h + j]), o = Sigmoid(gi[3 * h + j] + gh[3 * h + j]);
                        cs[j] = fg * cs[j] + i * gg;
                        next[j] = o * Math.Tanh(cs[j]);
                    }
                    else
                    {
                        double r = Sigmoid(gi[j] + gh[j]), z = Sigmoid(gi[h + j] + gh[h + j]);
                        double nn = Math.Tanh(gi[2 * h + j] + r * gh[2 * h + j]);
                        next[j] = (1 - z) * nn + z * hs[j];
                    }
                }
                hs = next;
                if (seq) Array.Copy(hs, 0, y, (s * steps + t) * h, h);
            }
            if (!seq) Array.Copy(hs, 0, y, s * h, h);
        }
        return y;
    }

    public static double Loss(double[] r, double[] y)
    {
        double sum = 0;
        for (int i = 0; i < r.Length; i++) sum += r[i] * y[i];
        return sum;
    }

    public static double[] ToDouble(float[] v) => Array.ConvertAll(v, a => (double)a);
}
