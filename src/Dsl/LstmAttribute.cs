using System;

namespace Axon;

/// <summary>
/// A recurrent layer over a sequence input <c>[T, F]</c> (time steps, features per step): for each step <c>t</c> in order,
/// <code>
/// i = σ(W_ii x + b_ii + W_hi h + b_hi)     f = σ(W_if x + b_if + W_hf h + b_hf)
/// g = tanh(W_ig x + b_ig + W_hg h + b_hg)  o = σ(W_io x + b_io + W_ho h + b_ho)
/// c' = f ⊙ c + i ⊙ g                       h' = o ⊙ tanh(c')
/// </code>
/// with <c>h</c> = <c>c</c> = 0 before the first step. Parameters as PyTorch's <c>nn.LSTM(F, units, batch_first=True)</c>
/// names and lays them out: <c>name.weight_ih_l0</c> <c>[4·units, F]</c> (rows i, f, g, o), <c>name.weight_hh_l0</c>
/// <c>[4·units, units]</c>, <c>name.bias_ih_l0</c> and <c>name.bias_hh_l0</c> <c>[4·units]</c>, so a safetensors file
/// moves both ways.
/// Initialisation as PyTorch: every weight and bias uniform in <c>±1/√units</c>.
/// </summary>
/// <remarks>
/// The output is the last step's <c>h</c>, <c>[units]</c>, or with <see cref="ReturnSequences"/> every step's,
/// <c>[T, units]</c>, which another recurrent layer (or <c>Dropout</c> and then one) can read: layers stack.
/// Training runs backward through time over all <c>T</c> steps; recurrent nets often want
/// <c>FitOptions.GradientClipNorm</c>.
/// </remarks>
/// <example><c>[Lstm(64)] public partial Layer Recurrent { get; }</c></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class LstmAttribute : Attribute
{
    /// <summary>Declares a LSTM layer.</summary>
    /// <param name="units">Size of the hidden state <c>h</c> (PyTorch's <c>hidden_size</c>); must be positive.</param>
    public LstmAttribute(int units) => Units = units;

    /// <summary>Size of the hidden state <c>h</c>.</summary>
    public int Units { get; }

    /// <summary>
    /// Whether the output is every step's hidden state, <c>[T, units]</c> (as <c>nn.LSTM</c>'s first output), or only
    /// the last step's, <c>[units]</c> (Keras's <c>return_sequences=False</c>). Default: <see langword="false"/>.
    /// </summary>
    public bool ReturnSequences { get; set; }

    /// <summary>Whether the layer has the biases <c>b_ih</c> and <c>b_hh</c> (PyTorch's <c>bias</c>). Default: <see langword="true"/>.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before (the model input for the first).
    /// </summary>
    public string? From { get; set; }
}
