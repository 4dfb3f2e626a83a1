using System.Collections.Generic;

namespace Axon.Serialization;

/// <summary>
/// How a safetensors file's tensors are matched to a model's. The default (<see cref="Default"/>)
/// is strict with no renaming: the file must hold exactly the model's tensors, by name.
/// </summary>
public sealed class LoadOptions
{
    /// <summary>Strict, no renaming: what <c>model.Load(path)</c> does.</summary>
    public static LoadOptions Default { get; } = new();

    /// <summary>
    /// Renames the file's tensors: key = the name in the file, value = the model's tensor name.
    /// For a PyTorch <c>nn.Sequential</c> file, <c>{ ["0.weight"] = "hidden.weight", ["0.bias"] =
    /// "hidden.bias", ["2.weight"] = "output.weight", ... }</c>. File tensors not in the map keep
    /// their names. Every value must be one of the model's tensors. Default: null (no renaming).
    /// </summary>
    public IReadOnlyDictionary<string, string>? NameMap { get; init; }

    /// <summary>
    /// True (the default): the file must hold exactly the model's tensors (after renaming), and
    /// anything else is an error. False: tensors the model lacks are skipped, model tensors the file
    /// lacks keep their values, and <see cref="LoadReport"/> lists both. Either way, every tensor
    /// that is loaded must have the model's shape and dtype F32, and the file must be valid.
    /// </summary>
    public bool Strict { get; init; } = true;
}
