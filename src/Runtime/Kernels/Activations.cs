using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Axon.Kernels;

/// <summary><c>f(z) = z</c>.</summary>
public readonly struct IdentityActivation : IActivation
{
    /// <inheritdoc/>
    public bool NeedsPreActivation => false;

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> z, Span<float> y)
    {
        if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(y)))
            z.CopyTo(y);
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> y, Span<float> grad) { }
}

/// <summary><c>f(z) = max(z, 0)</c>; <c>f'</c> is 1 where <c>y &gt; 0</c>, else 0 (0 at <c>z = 0</c>, as PyTorch).</summary>
public readonly struct ReluActivation : IActivation
{
    /// <inheritdoc/>
    public bool NeedsPreActivation => false;

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> z, Span<float> y) => TensorPrimitives.Max(z, 0f, y);

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> y, Span<float> grad)
    {
        int i = 0;
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(grad);
        for (; i <= grad.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref yr, (nuint)i), Vector256<float>.Zero);
            (Vector256.LoadUnsafe(ref gr, (nuint)i) & mask).StoreUnsafe(ref gr, (nuint)i);
        }
        for (; i < grad.Length; i++)
            if (!(y[i] > 0f)) grad[i] = 0f;
    }
}

/// <summary>
/// <c>f(z) = z</c> for <c>z &gt; 0</c>, else <c>slope·z</c>. The slope is positive (the generator
/// checks), so the sign of <c>y</c> is the sign of <c>z</c> and backward needs only <c>y</c>.
/// </summary>
public readonly struct LeakyReluActivation(float slope) : IActivation
{
    private readonly float _slope = slope;

    /// <inheritdoc/>
    public bool NeedsPreActivation => false;

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> z, Span<float> y)
    {
        int i = 0;
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float yr = ref MemoryMarshal.GetReference(y);
        var s = Vector256.Create(_slope);
        for (; i <= z.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var v = Vector256.LoadUnsafe(ref zr, (nuint)i);
            Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * s).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < z.Length; i++)
            y[i] = z[i] > 0f ? z[i] : _slope * z[i];
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> y, Span<float> grad)
    {
        int i = 0;
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(grad);
        var s = Vector256.Create(_slope);
        for (; i <= grad.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var g = Vector256.LoadUnsafe(ref gr, (nuint)i);
            var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref yr, (nuint)i), Vector256<float>.Zero);
            Vector256.ConditionalSelect(mask, g, g * s).StoreUnsafe(ref gr, (nuint)i);
        }
        for (; i < grad.Length; i++)
            if (!(y[i] > 0f)) grad[i] *= _slope;
    }
}

/// <summary><c>f(z) = 1/(1 + e^-z)</c>; <c>f' = y(1 - y)</c>.</summary>
public readonly struct SigmoidActivation : IActivation
{
    /// <inheritdoc/>
    public bool NeedsPreActivation => false;

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> z, Span<float> y)
    {
        // σ(z) for z below about -87 is denormal: flushed to 0 (Denormals), as is the derivative
        // of a saturated unit.
        TensorPrimitives.Sigmoid(z, y);
        Denormals.Flush(y);
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> y, Span<float> grad)
    {
        for (int i = 0; i < grad.Length; i++)
            grad[i] = Denormals.Flush(grad[i] * (y[i] * (1f - y[i])));
    }
}

/// <summary><c>f(z) = tanh z</c>; <c>f' = 1 - y²</c>.</summary>
public readonly struct TanhActivation : IActivation
{
    /// <inheritdoc/>
    public bool NeedsPreActivation => false;

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> z, Span<float> y) => TensorPrimitives.Tanh(z, y);

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> y, Span<float> grad)
    {
        for (int i = 0; i < grad.Length; i++)
            grad[i] = Denormals.Flush(grad[i] * (1f - y[i] * y[i]));
    }
}

/// <summary>
/// Exact GELU, <c>f(z) = z·Φ(z)</c>, <c>f'(z) = Φ(z) + z·φ(z)</c> with Φ, φ the standard normal
/// CDF and density. The derivative needs <c>z</c>, so the generator keeps the pre-activation.
/// </summary>
public readonly struct GeluActivation : IActivation
{
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float InvSqrt2Pi = 0.39894228040143268f;

    /// <inheritdoc/>
    public bool NeedsPreActivation => true;

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> z, Span<float> y)
    {
        for (int i = 0; i < z.Length; i++)
        {
            float v = z[i];
            y[i] = 0.5f * v * (1f + Erf(v * InvSqrt2));
        }
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> y, Span<float> grad)
    {
        for (int i = 0; i < grad.Length; i++)
        {
            float v = z[i];
            float cdf = 0.5f * (1f + Erf(v * InvSqrt2));
            float pdf = InvSqrt2Pi * MathF.Exp(-0.5f * v * v);
            grad[i] = Denormals.Flush(grad[i] * (cdf + v * pdf)); // φ(z) is denormal for |z| > 13
        }
    }

    /// <summary>
    /// erf(x) to ~1e-7 absolute: Abramowitz and Stegun 7.1.26 evaluated in double, which is
    /// below float's resolution near 1 and so exact enough for GELU in float32.
    /// </summary>
    internal static float Erf(float x)
    {
        double ax = Math.Abs((double)x);
        double t = 1.0 / (1.0 + 0.3275911 * ax);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double r = 1.0 - poly * Math.Exp(-ax * ax);
        return (float)(x < 0 ? -r : r);
    }
}

/// <summary>
/// Row-wise softmax, <c>y_i = e^{z_i} / Σ_j e^{z_j}</c>, computed stably (max subtracted);
/// backward is the Jacobian product <c>∂L/∂z = y ⊙ (g - ⟨g, y⟩)</c>.
/// </summary>
public readonly struct SoftmaxActivation : IActivation
{
    /// <inheritdoc/>
    public bool NeedsPreActivation => false;

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> z, Span<float> y) => Softmax.Row(z, y);

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> y, Span<float> grad)
    {
        float dot = TensorPrimitives.Dot(grad, y);
        TensorPrimitives.Subtract(grad, dot, grad);
        TensorPrimitives.Multiply(grad, y, grad);
    }
}
