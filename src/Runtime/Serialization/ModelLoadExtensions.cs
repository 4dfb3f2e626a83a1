using System;
using System.IO;

namespace Axon.Serialization;

/// <summary>Loading a model's parameters from files whose tensor names or set differ from the model's.</summary>
public static class ModelLoadExtensions
{
    /// <summary>
    /// Reads the model's parameters from the safetensors file at <paramref name="path"/>,
    /// renaming the file's tensors by <see cref="LoadOptions.NameMap"/> and, when
    /// <see cref="LoadOptions.Strict"/> is false, loading only the tensors both sides have.
    /// Validation is that of <c>model.Load(path)</c> (every loaded tensor F32 with the model's shape,
    /// finite, variances ≥ 0, checksum); on any error the model is unchanged.
    /// </summary>
    /// <example>
    /// A PyTorch <c>nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))</c> file names
    /// its tensors <c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, <c>2.bias</c>:
    /// <code>
    /// var report = model.Load("mlp.safetensors", new LoadOptions
    /// {
    ///     NameMap = new Dictionary&lt;string, string&gt;
    ///     {
    ///         ["0.weight"] = "hidden.weight", ["0.bias"] = "hidden.bias",
    ///         ["2.weight"] = "logits.weight", ["2.bias"] = "logits.bias",
    ///     },
    /// });
    /// </code>
    /// </example>
    /// <param name="model">An Axon-generated model.</param>
    /// <param name="path">The file to read.</param>
    /// <param name="options">Renaming and strictness; <see cref="LoadOptions.Default"/> is what <c>model.Load(path)</c> does.</param>
    /// <returns>The tensors loaded, the file's tensors skipped, and the model's tensors the file did not provide (non-strict only).</returns>
    /// <remarks>Like <c>Load(path)</c>, call <c>Forward</c> again before <c>Backward</c> after loading.</remarks>
    /// <exception cref="SafeTensorsException">The file is invalid, or a tensor does not match (or, strict, the names differ); nothing changed.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The name map names a tensor the model does not have.</exception>
    /// <exception cref="NotSupportedException"><paramref name="model"/> is not an Axon-generated model.</exception>
    public static LoadReport Load(this IModel model, string path, LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var layers = model.Layers;
        if (layers.Count == 0)
            throw new NotSupportedException($"{model.Name} has no Axon layers; Load with options needs an Axon-generated model.");
        return layers[0].Core.Load(path, options);
    }
}
