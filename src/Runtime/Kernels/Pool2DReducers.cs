using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Axon.Kernels;

/// <summary>Max pooling forward: each window's first maximum (or first NaN).</summary>
internal readonly struct MaxForward : IPool2DReducer
{
    public static bool Wide => true;
    public static bool WritesInputGrad => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Row2x2(ref float x, ref float dx, int width, ref float y, int count) => Pool2x2.MaxRow(ref x, width, ref y, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WideRow(ref float x, ref float dx, in Pool2DShape s, int i, ref float y, int lo, int hi) =>
        PoolWide.Max(ref x, s, i, ref y, default, lo, hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Window(ref float x, ref float dx, int width, int h0, int h1, int w0, int w1, ref float y) =>
        y = Unsafe.Add(ref x, Pool2DWindows.ArgMax(ref x, width, h0, h1, w0, w1));
}

/// <summary>Max pooling backward: each window's gradient added at its first maximum, found again from the input.</summary>
internal readonly struct MaxBackward : IPool2DReducer
{
    public static bool Wide => true;
    public static bool WritesInputGrad => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Row2x2(ref float x, ref float dx, int width, ref float y, int count) => Pool2x2.MaxRowBackward(ref x, ref dx, width, ref y, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WideRow(ref float x, ref float dx, in Pool2DShape s, int i, ref float y, int lo, int hi) =>
        PoolWide.Max(ref x, s, i, ref y, MemoryMarshal.CreateSpan(ref dx, s.Height * s.Width), lo, hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Window(ref float x, ref float dx, int width, int h0, int h1, int w0, int w1, ref float y) =>
        Unsafe.Add(ref dx, Pool2DWindows.ArgMax(ref x, width, h0, h1, w0, w1)) += y;
}

/// <summary>Average pooling forward: each window's in-bounds values summed in row-major order, divided by their count.</summary>
internal readonly struct MeanForward : IPool2DReducer
{
    public static bool Wide => true;
    public static bool WritesInputGrad => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Row2x2(ref float x, ref float dx, int width, ref float y, int count) => Pool2x2.MeanRow(ref x, width, ref y, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WideRow(ref float x, ref float dx, in Pool2DShape s, int i, ref float y, int lo, int hi) =>
        PoolWide.Mean(ref x, s, i, ref y, lo, hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Window(ref float x, ref float dx, int width, int h0, int h1, int w0, int w1, ref float y)
    {
        float sum = 0f;
        for (int h = h0; h < h1; h++)
            for (int w = w0; w < w1; w++)
                sum += Unsafe.Add(ref x, h * width + w);
        y = sum / ((h1 - h0) * (w1 - w0));
    }
}

/// <summary>Average pooling backward: each window's gradient divided by its count, added to every in-bounds value.</summary>
internal readonly struct MeanBackward : IPool2DReducer
{
    // No eight-window path for this one (yet): besides 2×2/2 rows, windows go one at a time.
    public static bool Wide => false;
    public static bool WritesInputGrad => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Row2x2(ref float x, ref float dx, int width, ref float y, int count) => Pool2x2.MeanRowBackward(ref dx, width, ref y, count);

    public static void WideRow(ref float x, ref float dx, in Pool2DShape s, int i, ref float y, int lo, int hi) =>
        throw new InvalidOperationException("Average pooling's backward has no wide path.");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Window(ref float x, ref float dx, int width, int h0, int h1, int w0, int w1, ref float y)
    {
        float g = y / ((h1 - h0) * (w1 - w0));
        for (int h = h0; h < h1; h++)
            for (int w = w0; w < w1; w++)
                Unsafe.Add(ref dx, h * width + w) += g;
    }
}
