namespace Axon;

/// <summary>Parameter initialisation schemes (<c>fan_in</c> = inputs per unit, <c>fan_out</c> = units).</summary>
public enum Init
{
    /// <summary>
    /// PyTorch's <c>nn.Linear</c> default: weight and bias uniform in <c>±1/√fan_in</c>
    /// (Kaiming-uniform with <c>a = √5</c>).
    /// </summary>
    Default = 0,

    /// <summary>He (Kaiming) uniform for ReLU: weight uniform in <c>±√(6/fan_in)</c>; bias 0.</summary>
    HeUniform = 1,

    /// <summary>He (Kaiming) normal for ReLU: weight normal with σ = <c>√(2/fan_in)</c>; bias 0.</summary>
    HeNormal = 2,

    /// <summary>Glorot (Xavier) uniform: weight uniform in <c>±√(6/(fan_in + fan_out))</c>; bias 0.</summary>
    GlorotUniform = 3,

    /// <summary>Glorot (Xavier) normal: weight normal with σ = <c>√(2/(fan_in + fan_out))</c>; bias 0.</summary>
    GlorotNormal = 4,
}
