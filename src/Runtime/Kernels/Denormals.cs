using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Axon.Kernels;

/// <summary>
/// Flush-to-zero in the arithmetic: values with <c>|x| &lt; 2⁻¹²⁶ ≈ 1.17549435e-38</c> (below
/// float's normal range, i.e. denormals) become <c>+0</c>, as PyTorch's
/// <c>torch.set_flush_denormal(True)</c> would make them. NaN and infinities pass unchanged.
/// </summary>
/// <remarks>
/// On Intel CPUs every operation on a denormal takes a microcode assist (~100+ cycles), and
/// training produces them as a matter of course: Adam's moment estimates for weights whose
/// gradient is always 0 (dead units, the always-black border pixels of Fashion-MNIST) decay
/// geometrically into that range within a few hundred steps. .NET cannot set the MXCSR FTZ/DAZ
/// bits, so the kernels that can produce such values (optimizer updates, saturating activations,
/// softmax, decayed running statistics) flush them in the same pass that computes them: an
/// absolute value, a compare and a select per vector, hidden behind the pass's own work.
/// Flushing changes only values smaller than 1.2e-38, so results match PyTorch's wherever those
/// values would not have mattered, and the flush is per element, so it is the same bits on every
/// vector width and thread count.
/// </remarks>
public static class Denormals
{
    /// <summary>The smallest positive normal float, 2⁻¹²⁶ = 1.17549435e-38 (<c>FLT_MIN</c>).</summary>
    public const float MinNormal = 1.17549435e-38f;

    /// <summary><paramref name="x"/>, or +0 when <c>|x| &lt; </c><see cref="MinNormal"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Flush(float x) => MathF.Abs(x) < MinNormal ? 0f : x;

    /// <summary>Lane-wise <see cref="Flush(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Flush(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(x), Vector512.Create(MinNormal)), Vector512<float>.Zero, x);

    /// <summary>Lane-wise <see cref="Flush(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Flush(Vector256<float> x) =>
        Vector256.AndNot(x, Vector256.LessThan(Vector256.Abs(x), Vector256.Create(MinNormal)));

    /// <summary>
    /// Lane-wise <see cref="Flush(float)"/> for values known to be ≥ 0 or NaN (Adam's second
    /// moment, variances): one compare and an and-not, no absolute value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FlushNonNegative(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(MinNormal)), Vector512<float>.Zero, x);

    /// <summary>Lane-wise <see cref="FlushNonNegative(Vector512{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FlushNonNegative(Vector256<float> x) =>
        Vector256.AndNot(x, Vector256.LessThan(x, Vector256.Create(MinNormal)));

    /// <summary>Flushes every element of <paramref name="values"/> in place (see <see cref="Flush(float)"/>).</summary>
    public static void Flush(Span<float> values)
    {
        ref float r = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= values.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                Flush(Vector512.LoadUnsafe(ref r, (nuint)i)).StoreUnsafe(ref r, (nuint)i);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                Flush(Vector256.LoadUnsafe(ref r, (nuint)i)).StoreUnsafe(ref r, (nuint)i);
        for (; i < values.Length; i++)
            Unsafe.Add(ref r, i) = Flush(Unsafe.Add(ref r, i));
    }

    /// <summary>Whether any element of <paramref name="values"/> is a nonzero denormal.</summary>
    public static bool ContainsDenormal(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (v != 0f && MathF.Abs(v) < MinNormal) return true;
        return false;
    }
}
