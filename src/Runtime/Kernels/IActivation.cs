using System;

namespace Axon.Kernels;

/// <summary>
/// An activation as an operator struct: the JIT specialises every kernel that takes one, so the
/// activation runs inside the kernel's loops with no call. Kernels apply it one row (one
/// sample's units) at a time, which is what row-wise softmax needs and keeps the row in L1.
/// </summary>
/// <remarks>
/// As dfdx's activations, each one says whether its derivative can be computed from its output
/// (<see cref="NeedsPreActivation"/> false): then backward needs no saved input and the
/// generator allocates no pre-activation buffer.
/// </remarks>
public interface IActivation
{
    /// <summary>True when <see cref="Backward"/> reads the pre-activation <c>z</c>; false when the output <c>y</c> suffices.</summary>
    bool NeedsPreActivation { get; }

    /// <summary><c>y = f(z)</c> for one row; <paramref name="y"/> may be the same span as <paramref name="z"/>.</summary>
    void Forward(ReadOnlySpan<float> z, Span<float> y);

    /// <summary>
    /// Turns <paramref name="grad"/> = ∂L/∂y into ∂L/∂z for one row, in place:
    /// <c>grad ← grad ⊙ f'(z)</c> (for softmax the Jacobian product <c>y ⊙ (grad - ⟨grad, y⟩)</c>).
    /// <paramref name="z"/> is empty unless <see cref="NeedsPreActivation"/>.
    /// </summary>
    void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> y, Span<float> grad);
}
