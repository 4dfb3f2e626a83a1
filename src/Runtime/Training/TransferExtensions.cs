using System;
using System.Collections.Generic;

namespace Axon.Training;

/// <summary>
/// Transfer-learning tools on any <see cref="IModel"/>: freezing by range, layer groups and
/// discriminative learning rates. <see cref="FineTune"/> and <see cref="GradualUnfreezing"/> are
/// built from them.
/// </summary>
/// <remarks>
/// A frozen layer gets no weight gradient and no optimizer update, and a frozen BatchNorm runs in
/// inference mode and keeps its running statistics (see <see cref="Layer.Freeze"/>). Freezing a
/// layer without parameters (pooling, flatten, dropout) changes nothing.
/// </remarks>
public static class TransferExtensions
{
    /// <summary>
    /// Freezes every layer from the first up to and including <paramref name="last"/>, in
    /// declaration order (<see cref="Layer.Index"/> 0 to <c>last.Index</c>). Layers after it keep
    /// their state: to make them trainable, call <see cref="UnfreezeAll"/> first.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="last">The last layer to freeze: a layer of <paramref name="model"/> (<c>model.Hidden2</c>).</param>
    /// <exception cref="ArgumentException"><paramref name="last"/> is not a layer of this model instance.</exception>
    public static void FreezeUpTo(this IModel model, Layer last)
    {
        int end = IndexOf(model, last, nameof(last));
        var layers = model.Layers;
        for (int i = 0; i <= end; i++) layers[i].Freeze();
    }

    /// <summary>Makes every layer trainable (<see cref="Layer.Unfreeze"/> on each). Learning-rate scales are not changed.</summary>
    /// <param name="model">The model.</param>
    public static void UnfreezeAll(this IModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var layer in model.Layers) layer.Unfreeze();
    }

    /// <summary>Sets every layer's <see cref="Layer.LearningRateScale"/> back to its default, 1.</summary>
    /// <param name="model">The model.</param>
    public static void ResetLearningRates(this IModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var layer in model.Layers) layer.LearningRateScale = 1f;
    }

    /// <summary>
    /// Splits the layers into consecutive groups, bottom to top, each a list of layers in
    /// declaration order; every layer is in exactly one group.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="groupStarts">
    /// The first layer of each group, in increasing <see cref="Layer.Index"/> order; layers before
    /// the first one join the first group. Default (null): a group starts at every layer with
    /// parameters except a normalisation layer (<c>BatchNorm</c>, <c>LayerNorm</c>), which stays in
    /// the group of the layer before it, so a convolution and its normalisation move together;
    /// layers without parameters join the group before them.
    /// </param>
    /// <returns>The groups; one group holding every layer when the model has no parameters.</returns>
    /// <exception cref="ArgumentException"><paramref name="groupStarts"/> is empty, names a layer of another model, or is not strictly increasing.</exception>
    public static IReadOnlyList<IReadOnlyList<Layer>> LayerGroups(this IModel model, IReadOnlyList<Layer>? groupStarts = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var layers = model.Layers;
        var starts = new List<int>();
        if (groupStarts is null)
        {
            foreach (var layer in layers)
                if (layer.ParameterCount > 0 && (starts.Count == 0 || !layer.IsNormalization))
                    starts.Add(layer.Index);
        }
        else
        {
            if (groupStarts.Count == 0)
                throw new ArgumentException("groupStarts is empty; expected the first layer of each group, or null for the default groups.", nameof(groupStarts));
            foreach (var layer in groupStarts)
            {
                int index = IndexOf(model, layer, nameof(groupStarts));
                if (starts.Count > 0 && index <= starts[^1])
                    throw new ArgumentException(
                        $"groupStarts lists {layer.Name} (layer {index}) after {layers[starts[^1]].Name} (layer {starts[^1]}); expected layers in increasing order, each once.",
                        nameof(groupStarts));
                starts.Add(index);
            }
        }
        if (starts.Count == 0) starts.Add(0);
        starts[0] = 0;

        var groups = new List<IReadOnlyList<Layer>>(starts.Count);
        for (int g = 0; g < starts.Count; g++)
        {
            int end = g + 1 < starts.Count ? starts[g + 1] : layers.Count;
            var group = new Layer[end - starts[g]];
            for (int i = starts[g]; i < end; i++) group[i - starts[g]] = layers[i];
            groups.Add(group);
        }
        return groups;
    }

    /// <summary>
    /// Discriminative learning rates (Howard and Ruder, 2018; fastai's <c>slice(lowest, highest)</c>):
    /// lower layers, which hold general features, learn more slowly than the top. The trainable
    /// groups get rates spread geometrically from <paramref name="lowest"/> to <paramref name="highest"/>,
    /// set as each layer's <see cref="Layer.LearningRateScale"/> relative to the optimizer's
    /// <see cref="Optimizers.Optimizer.LearningRate"/>.
    /// </summary>
    /// <remarks>
    /// With <c>m</c> trainable groups <c>k = 0 … m − 1</c> (bottom to top; a group is trainable when
    /// it holds a layer with parameters that is not frozen), group <c>k</c> trains at
    /// <c>η_k = lowest·(highest/lowest)^(k/(m − 1))</c>, so consecutive groups differ by the constant
    /// factor <c>(highest/lowest)^(1/(m − 1))</c>; a single trainable group trains at <c>highest</c>.
    /// Every unfrozen layer with parameters of group <c>k</c> gets <c>LearningRateScale = η_k/η</c>,
    /// <c>η</c> the optimizer's rate at the time of the call (changing <c>η</c> later scales every
    /// layer alike). Frozen layers and layers without parameters keep their scale; to spread rates
    /// over layers that a schedule will unfreeze later, call <see cref="UnfreezeAll"/> first.
    /// </remarks>
    /// <param name="model">The model.</param>
    /// <param name="lowest">Learning rate of the lowest trainable group: finite, positive.</param>
    /// <param name="highest">Learning rate of the highest trainable group: finite, at least <paramref name="lowest"/>.</param>
    /// <param name="groupStarts">The groups, as in <see cref="LayerGroups"/>. Default (null): the default groups,
    /// one per layer with parameters with normalisation layers joining the layer before.</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not finite and positive, <paramref name="lowest"/> exceeds
    /// <paramref name="highest"/>, or the optimizer's rate is not finite and positive.</exception>
    /// <exception cref="InvalidOperationException">No layer with parameters is trainable.</exception>
    public static void SetDiscriminativeLearningRates(this IModel model, float lowest, float highest, IReadOnlyList<Layer>? groupStarts = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(lowest > 0f) || float.IsInfinity(lowest))
            throw new ArgumentOutOfRangeException(nameof(lowest), lowest, "lowest must be finite and positive.");
        if (!(highest >= lowest) || float.IsInfinity(highest))
            throw new ArgumentOutOfRangeException(nameof(highest), highest, $"highest must be finite and at least lowest ({lowest}).");
        float rate = model.Optimizer.LearningRate;
        if (!(rate > 0f) || float.IsInfinity(rate))
            throw new ArgumentOutOfRangeException(nameof(model), rate,
                $"{model.Name}'s optimizer has learning rate {rate}; discriminative rates are scales of it, so it must be finite and positive.");

        var trainable = new List<IReadOnlyList<Layer>>();
        foreach (var group in model.LayerGroups(groupStarts))
            if (HasTrainableParameters(group))
                trainable.Add(group);
        if (trainable.Count == 0)
            throw new InvalidOperationException($"{model.Name} has no trainable layer with parameters: every one is frozen.");

        int m = trainable.Count;
        for (int k = 0; k < m; k++)
        {
            double groupRate = m == 1 ? highest : lowest * Math.Pow((double)highest / lowest, (double)k / (m - 1));
            float scale = (float)(groupRate / rate);
            foreach (var layer in trainable[k])
                if (!layer.IsFrozen && layer.ParameterCount > 0)
                    layer.LearningRateScale = scale;
        }
    }

    private static bool HasTrainableParameters(IReadOnlyList<Layer> group)
    {
        foreach (var layer in group)
            if (!layer.IsFrozen && layer.ParameterCount > 0)
                return true;
        return false;
    }

    /// <summary>The index of <paramref name="layer"/> in <paramref name="model"/>, checking that it is this instance's own handle.</summary>
    internal static int IndexOf(IModel model, Layer layer, string parameter)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(layer, parameter);
        var layers = model.Layers;
        if ((uint)layer.Index >= (uint)layers.Count || !ReferenceEquals(layers[layer.Index], layer))
            throw new ArgumentException(
                $"{layer.Name} is not a layer of this {model.Name}; pass the model's own handle (model.{layer.Name}), not another instance's.", parameter);
        return layer.Index;
    }
}
