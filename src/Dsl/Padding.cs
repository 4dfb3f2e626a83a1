namespace Axon;

/// <summary>How a convolution or pooling window treats the border (Keras's names and rules).</summary>
public enum Padding
{
    /// <summary>No padding: the window stays inside the input, <c>out = ⌊(in − k) / s⌋ + 1</c>.</summary>
    Valid = 0,

    /// <summary>
    /// Zero padding so that <c>out = ⌈in / s⌉</c>; the total padding <c>max((out − 1)·s + k − in, 0)</c>
    /// is split with the odd element at the bottom/right, as Keras and TensorFlow do.
    /// </summary>
    Same = 1,

    /// <summary>
    /// Conv1D only: <c>(k − 1)·dilation</c> zeros before the sequence and none after (Keras's <c>causal</c>), so output
    /// step <c>t</c> depends on input steps up to <c>t·stride</c> and never on later ones; <c>out = ⌈in / s⌉</c>.
    /// </summary>
    Causal = 2,
}
