using System;
using System.Numerics.Tensors;

namespace Axon.Adversarial;

/// <summary>
/// Gradient attacks in the model's raw input space. Every adversarial example is clipped to the
/// model's declared input range (<see cref="IModel.InputMin"/>, <see cref="IModel.InputMax"/>) and,
/// for the iterative attacks, projected back into the ε-ball around the clean input after every
/// step. The caller's buffers are the only memory used: no allocation.
/// </summary>
/// <remarks>
/// The gradient is <see cref="IModel.InputGradient"/>: each sample's own loss, so one sample's step
/// does not depend on the batch size. Untargeted attacks ascend the loss of the true label;
/// targeted ones descend the loss of the target label (pass the targets in the batch).
/// </remarks>
public static class Attacks
{
    /// <summary>
    /// Fast Gradient Sign Method (Goodfellow et al., 2015):
    /// <c>x' = clip(x + s·ε·sign(∇ₓL(x, y)), min, max)</c> with <c>s = +1</c> untargeted, <c>−1</c> targeted.
    /// </summary>
    /// <param name="model">The attacked model.</param>
    /// <param name="batch">Clean inputs and their labels (or, when <paramref name="targeted"/>, the target labels).</param>
    /// <param name="epsilon">L∞ budget ε ≥ 0.</param>
    /// <param name="adversarial">Receives the adversarial inputs, <c>[Count, InputSize]</c>.</param>
    /// <param name="gradient">Scratch of the same length.</param>
    /// <param name="targeted">Descend toward the batch's labels instead of away from them. Default: false.</param>
    public static void Fgsm(IModel model, in Batch batch, float epsilon, Span<float> adversarial, Span<float> gradient, bool targeted = false)
    {
        Check(model, batch, epsilon, adversarial, gradient);
        model.InputGradient(batch, gradient);
        SignStep(batch.Inputs, gradient, adversarial, targeted ? -epsilon : epsilon);
        TensorPrimitives.Clamp(adversarial, model.InputMin, model.InputMax, adversarial);
    }

    /// <summary>
    /// Projected gradient descent in L∞ (Madry et al., 2018; BIM/I-FGSM when
    /// <paramref name="randomStart"/> is false): start at <c>x</c> or at a uniform point of the ε-ball,
    /// then <paramref name="steps"/> times <c>x' ← Π(x' + s·α·sign(∇L(x')))</c>, where Π clips to the
    /// ε-ball around <c>x</c> and to the input range.
    /// </summary>
    /// <param name="model">The attacked model.</param>
    /// <param name="batch">Clean inputs and labels (target labels when <paramref name="targeted"/>).</param>
    /// <param name="epsilon">L∞ budget ε ≥ 0.</param>
    /// <param name="stepSize">α per step; a common choice is 2.5·ε/steps.</param>
    /// <param name="steps">Number of steps (PGD-40: 40).</param>
    /// <param name="adversarial">Receives the result.</param>
    /// <param name="gradient">Scratch of the same length.</param>
    /// <param name="randomStart">Start from a uniform point in the ball. Default: true.</param>
    /// <param name="seed">Seed of the random start. Default: 0.</param>
    /// <param name="targeted">Targeted attack. Default: false.</param>
    public static void Pgd(IModel model, in Batch batch, float epsilon, float stepSize, int steps,
        Span<float> adversarial, Span<float> gradient, bool randomStart = true, long seed = 0, bool targeted = false)
    {
        Check(model, batch, epsilon, adversarial, gradient);
        if (!(stepSize >= 0f) || float.IsInfinity(stepSize))
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "step size must be finite and non-negative.");
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var x = batch.Inputs;
        x.CopyTo(adversarial);
        if (randomStart && epsilon > 0f)
        {
            var rng = new Rng(seed);
            for (int i = 0; i < adversarial.Length; i++)
                adversarial[i] += rng.NextUniform(-epsilon, epsilon);
        }
        Project(x, adversarial, epsilon, model.InputMin, model.InputMax);
        var current = new Batch(adversarial, batch.Labels, batch.Targets, batch.Count);
        float step = targeted ? -stepSize : stepSize;
        for (int s = 0; s < steps; s++)
        {
            model.InputGradient(current, gradient);
            SignStep(adversarial, gradient, adversarial, step);
            Project(x, adversarial, epsilon, model.InputMin, model.InputMax);
        }
    }

    /// <summary><c>destination = source + step·sign(gradient)</c>; a zero gradient gives no step (sign 0).</summary>
    private static void SignStep(ReadOnlySpan<float> source, ReadOnlySpan<float> gradient, Span<float> destination, float step)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            float g = gradient[i];
            destination[i] = source[i] + (g > 0f ? step : g < 0f ? -step : 0f);
        }
    }

    /// <summary>Clips <paramref name="adversarial"/> into <c>[x − ε, x + ε] ∩ [min, max]</c>.</summary>
    private static void Project(ReadOnlySpan<float> x, Span<float> adversarial, float epsilon, float min, float max)
    {
        for (int i = 0; i < adversarial.Length; i++)
        {
            float v = Math.Clamp(adversarial[i], x[i] - epsilon, x[i] + epsilon);
            adversarial[i] = Math.Clamp(v, min, max);
        }
    }

    private static void Check(IModel model, in Batch batch, float epsilon, Span<float> adversarial, Span<float> gradient)
    {
        if (!(epsilon >= 0f) || float.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be finite and non-negative.");
        int expected = batch.Count * model.InputSize;
        Guard.Length(batch.Inputs.Length, expected, "inputs", model.Name);
        Guard.Length(adversarial.Length, expected, "adversarial", model.Name);
        Guard.Length(gradient.Length, expected, "gradient", model.Name);
    }
}
