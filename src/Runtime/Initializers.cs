using System;

namespace Axon;

/// <summary>Parameter initialisation, as PyTorch's and Keras's schemes (see <see cref="Init"/>).</summary>
public static class Initializers
{
    /// <summary>
    /// Initialises a dense layer's weight <c>[fanOut, fanIn]</c> and bias <c>[fanOut]</c>:
    /// <see cref="Init.Default"/> draws both uniformly from <c>±1/√fan_in</c> (PyTorch's <c>nn.Linear</c>);
    /// He and Glorot draw the weight as documented on <see cref="Init"/> and zero the bias.
    /// </summary>
    public static void Dense(Span<float> weight, Span<float> bias, int fanIn, int fanOut, Init init, ref Rng rng)
    {
        switch (init)
        {
            case Init.Default:
                float bound = 1f / MathF.Sqrt(fanIn);
                Uniform(weight, bound, ref rng);
                Uniform(bias, bound, ref rng);
                return;
            case Init.HeUniform:
                Uniform(weight, MathF.Sqrt(6f / fanIn), ref rng);
                break;
            case Init.HeNormal:
                Normal(weight, MathF.Sqrt(2f / fanIn), ref rng);
                break;
            case Init.GlorotUniform:
                Uniform(weight, MathF.Sqrt(6f / (fanIn + fanOut)), ref rng);
                break;
            case Init.GlorotNormal:
                Normal(weight, MathF.Sqrt(2f / (fanIn + fanOut)), ref rng);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(init), init, "unknown initialisation");
        }
        bias.Clear();
    }

    /// <summary>An embedding table: every entry from N(0, 1), as PyTorch's <c>nn.Embedding</c>.</summary>
    public static void Embedding(Span<float> weight, ref Rng rng) => Normal(weight, 1f, ref rng);

    private static void Uniform(Span<float> values, float bound, ref Rng rng)
    {
        for (int i = 0; i < values.Length; i++) values[i] = rng.NextUniform(-bound, bound);
    }

    private static void Normal(Span<float> values, float sigma, ref Rng rng)
    {
        for (int i = 0; i < values.Length; i++) values[i] = sigma * rng.NextGaussian();
    }
}
