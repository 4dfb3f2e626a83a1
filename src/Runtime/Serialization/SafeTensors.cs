using System;
using System.Collections.Generic;

namespace Axon.Serialization;

/// <summary>Reads and writes safetensors files against a model's key map. (Being hardened: see issue 6.)</summary>
public static class SafeTensors
{
    /// <summary>Writes <paramref name="tensors"/> from <paramref name="arena"/> to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, ReadOnlySpan<float> arena, IReadOnlyList<TensorSpec> tensors, string modelName) =>
        throw new NotImplementedException();

    /// <summary>Reads <paramref name="tensors"/> from <paramref name="path"/> into <paramref name="arena"/>; on any error nothing changes.</summary>
    public static void Load(string path, Span<float> arena, IReadOnlyList<TensorSpec> tensors, string modelName) =>
        throw new NotImplementedException();
}
