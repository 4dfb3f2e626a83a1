namespace Axon.Kernels;

/// <summary>
/// What one 2-D pooling pass does with a window, for <see cref="Pool2DWindows.Planes{TReducer}"/>: max or mean,
/// forward or backward. Implemented by structs with static members, so the JIT compiles the shared loop once per
/// reducer with every call inlined and every flag folded: no cost over a hand-written loop per kind.
/// </summary>
/// <remarks>
/// The refs are <c>x</c> (the input plane), <c>dx</c> (its gradient; backward only) and <c>y</c>: the output
/// plane's values, written forward and read (the output gradient) backward. A reducer that needs no <c>x</c> or
/// <c>dx</c> is handed another valid ref in its place and must not touch it.
/// </remarks>
internal interface IPool2DReducer
{
    /// <summary>Whether full rows of other window shapes go through <see cref="WideRow"/>'s eight-at-a-time path.</summary>
    static abstract bool Wide { get; }

    /// <summary>Whether the pass writes the input gradient, which is cleared first (overlapping windows add).</summary>
    static abstract bool WritesInputGrad { get; }

    /// <summary>The 2×2, stride-2 windows of one output row with the rows starting at <paramref name="x"/> and <paramref name="dx"/>; returns how many it did.</summary>
    static abstract int Row2x2(ref float x, ref float dx, int width, ref float y, int count);

    /// <summary>Windows [lo, hi) of full output row <paramref name="i"/> (see <see cref="PoolWide.Columns"/>).</summary>
    static abstract void WideRow(ref float x, ref float dx, in Pool2DShape s, int i, ref float y, int lo, int hi);

    /// <summary>One window: in-bounds rows [h0, h1) × columns [w0, w1) of the plane; <paramref name="y"/> is its output (or output gradient).</summary>
    static abstract void Window(ref float x, ref float dx, int width, int h0, int h1, int w0, int w1, ref float y);
}
