using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Axon.Kernels;

/// <summary>
/// The loop every 2-D pooling pass shares: planes (one channel of one sample) in order, output rows in order,
/// each row through the 2×2/2 vector path, the eight-window path or one window at a time, as the
/// <see cref="IPool2DReducer"/> and the shape allow. Every output (or input-gradient cell) depends on its own
/// plane only, so any split of the planes gives the same bits.
/// </summary>
internal static unsafe class Pool2DWindows
{
    /// <summary>
    /// A whole pass over <paramref name="batch"/> samples, split over <paramref name="pool"/> by planes (see <see cref="PlaneSplit"/>)
    /// when it is large enough. <paramref name="x"/>, <paramref name="y"/> and <paramref name="dx"/> are pinned by the caller.
    /// </summary>
    public static void Run<TReducer>(float* x, float* y, float* dx, int batch, in Pool2DShape s, WorkerPool? pool)
        where TReducer : struct, IPool2DReducer
    {
        var job = new PlaneSplit.Job { X = x, Y = y, Dx = dx, Shape = s, Planes = batch * s.Channels };
        long floats = (long)batch * (s.InputSize + s.OutputSize + (TReducer.WritesInputGrad ? s.InputSize : 0));
        PlaneSplit.Run<Windows<TReducer>>(ref job, floats, pool);
    }

    private readonly struct Windows<TReducer> : PlaneSplit.IPlanes where TReducer : struct, IPool2DReducer
    {
        public static void Run(in PlaneSplit.Job job, int first, int end) =>
            Planes<TReducer>(ref *job.X, ref *job.Y, ref *job.Dx, first, end, job.Shape);
    }

    /// <summary>
    /// Planes [<paramref name="first"/>, <paramref name="end"/>) of a pass; <paramref name="x"/>, <paramref name="y"/> and
    /// <paramref name="dx"/> point at plane 0. A backward pass clears its planes' input gradient first.
    /// </summary>
    public static void Planes<TReducer>(ref float x, ref float y, ref float dx, int first, int end, in Pool2DShape s)
        where TReducer : struct, IPool2DReducer
    {
        int plane = s.Height * s.Width, outPlane = s.OutHeight * s.OutWidth;
        int width = s.Width, ow = s.OutWidth;
        if (TReducer.WritesInputGrad && end > first)
            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dx, (nint)first * plane), (end - first) * plane).Clear();
        var (fullRows, fullCols) = Pool2x2.FullWindows(s);
        var (wideLo, wideHi) = !TReducer.Wide || fullRows > 0 ? (0, 0) : PoolWide.Columns(s);
        for (int p = first; p < end; p++)
        {
            ref float xp = ref Unsafe.Add(ref x, (nint)p * plane);
            ref float dp = ref Unsafe.Add(ref dx, (nint)p * plane);
            ref float yp = ref Unsafe.Add(ref y, (nint)p * outPlane);
            for (int i = 0; i < s.OutHeight; i++)
            {
                var (h0, h1) = s.Rows(i);
                ref float row = ref Unsafe.Add(ref yp, i * ow);
                int j = i < fullRows ? TReducer.Row2x2(ref Unsafe.Add(ref xp, 2 * i * width), ref Unsafe.Add(ref dp, 2 * i * width), width, ref row, fullCols) : 0;
                for (; j < ow; j++)
                {
                    if (TReducer.Wide && j == wideLo && wideHi > j && s.FullRow(i))
                    {
                        TReducer.WideRow(ref xp, ref dp, s, i, ref row, wideLo, wideHi);
                        j = wideHi - 1;
                        continue;
                    }
                    var (w0, w1) = s.Columns(j);
                    TReducer.Window(ref xp, ref dp, width, h0, h1, w0, w1, ref Unsafe.Add(ref row, j));
                }
            }
        }
    }

    /// <summary>
    /// Offset of the first maximum of rows [h0, h1) × columns [w0, w1) of a plane, or of the first NaN.
    /// Two passes: the maximum without branches, then the first element equal to it (one unpredictable
    /// branch per window instead of one per element).
    /// </summary>
    public static int ArgMax(ref float plane, int width, int h0, int h1, int w0, int w1)
    {
        var max = Vector128.Create(float.NegativeInfinity);
        bool nan = false;
        for (int h = h0; h < h1; h++)
        {
            ref float row = ref Unsafe.Add(ref plane, h * width);
            for (int w = w0; w < w1; w++)
            {
                float v = Unsafe.Add(ref row, w);
                max = Vector128.MaxNative(max, Vector128.CreateScalarUnsafe(v));
                nan |= float.IsNaN(v);
            }
        }
        float m = max.ToScalar();
        for (int h = h0; h < h1; h++)
        {
            int row = h * width;
            for (int w = w0; w < w1; w++)
            {
                float v = Unsafe.Add(ref plane, row + w);
                if (nan ? float.IsNaN(v) : v == m) return row + w;
            }
        }
        return h0 * width + w0; // unreachable: the maximum is one of the values
    }
}
