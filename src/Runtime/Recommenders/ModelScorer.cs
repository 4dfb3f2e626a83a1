using System;
using System.Numerics.Tensors;

namespace Axon.Recommenders;

/// <summary>
/// An Axon model with two id inputs <c>(user, item)</c> and one output, as an <see cref="IRatingPredictor"/>:
/// <c>r̂_ui = clip(f(u, i) + offset)</c> for a rating model trained on targets centred by <c>offset</c>
/// (<see cref="RatingData.Explicit"/>), or the raw score <c>f(u, i)</c> (no clip) for a ranking model. With an
/// item embedding layer it also gives item similarities: the cosine of the items' vectors.
/// <see cref="ScoreItems"/> gives <c>f(u, i) + offset</c> unclipped, so that ranking still orders items
/// predicted above the top of the scale.
/// </summary>
/// <remarks>
/// <see cref="Fit"/> calls the delegate given at construction (which trains the model, usually with
/// <c>Trainer.Fit</c>). <see cref="Predict"/> and <see cref="ScoreItems"/> run the model's <c>Predict</c> on
/// preallocated buffers and allocate nothing.
/// </remarks>
public sealed class ModelScorer : IRatingPredictor, IItemSimilarity
{
    private readonly IModel _model;
    private readonly Action<IModel, Ratings> _fit;
    private readonly float[] _inputs;
    private readonly float[] _outputs;
    private readonly float[] _one = new float[2];
    private readonly float[] _oneOut = new float[1];
    private RatingCatalog? _catalog;

    /// <summary>Wraps <paramref name="model"/> (inputs: user id, item id; one output).</summary>
    /// <param name="name">The name in tables.</param>
    /// <param name="model">The model.</param>
    /// <param name="fit">Trains the model on the ratings it is given.</param>
    /// <param name="ratingModel">True: outputs are centred ratings (add <see cref="Offset"/>, clip); false: ranking scores.</param>
    /// <param name="itemVectors">The item embedding layer, for <see cref="ItemSimilarities"/>; optional.</param>
    public ModelScorer(string name, IModel model, Action<IModel, Ratings> fit, bool ratingModel, Layer? itemVectors = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(fit);
        if (model.InputSize != 2 || model.OutputSize != 1)
            throw new ArgumentException($"{model.Name} has {model.InputSize} inputs and {model.OutputSize} outputs; expected 2 (user id, item id) and 1.", nameof(model));
        Name = name;
        _model = model;
        _fit = fit;
        RatingModel = ratingModel;
        ItemVectors = itemVectors;
        _inputs = new float[model.MaxBatchSize * 2];
        _outputs = new float[model.MaxBatchSize];
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Whether outputs are (centred) ratings rather than ranking scores.</summary>
    public bool RatingModel { get; }

    /// <summary>Added to every output of a rating model: the training set's global mean after <see cref="Fit"/>.</summary>
    public float Offset { get; private set; }

    /// <summary>The item embedding layer used by <see cref="ItemSimilarities"/>, or null.</summary>
    public Layer? ItemVectors { get; }

    /// <summary>The wrapped model.</summary>
    public IModel Model => _model;

    /// <inheritdoc/>
    public void Fit(Ratings train)
    {
        ArgumentNullException.ThrowIfNull(train);
        Offset = RatingModel ? (float)train.GlobalMean() : 0f;
        _fit(_model, train);
        _catalog = train.Catalog;
    }

    /// <inheritdoc/>
    public float Predict(int user, int item)
    {
        var catalog = _catalog ?? throw new InvalidOperationException($"{Name} is not fitted; call Fit first.");
        _one[0] = user;
        _one[1] = item;
        _model.Predict(_one, _oneOut);
        return RatingModel ? catalog.Clip(_oneOut[0] + Offset) : _oneOut[0];
    }

    /// <inheritdoc/>
    public void ScoreItems(int user, Span<float> scores)
    {
        var catalog = _catalog ?? throw new InvalidOperationException($"{Name} is not fitted; call Fit first.");
        int items = Math.Min(scores.Length, catalog.ItemCount), batch = _outputs.Length;
        for (int start = 0; start < items; start += batch)
        {
            int n = Math.Min(batch, items - start);
            for (int k = 0; k < n; k++)
            {
                _inputs[2 * k] = user;
                _inputs[2 * k + 1] = start + k;
            }
            _model.Predict(_inputs.AsSpan(0, 2 * n), _outputs.AsSpan(0, n));
            var dst = scores.Slice(start, n);
            _outputs.AsSpan(0, n).CopyTo(dst);
            // Not clipped: items predicted above the top of the scale keep their order instead of tying.
            if (RatingModel) TensorPrimitives.Add(dst, Offset, dst);
        }
    }

    /// <summary>Cosine similarity between the item's embedding row and every other row (0 for a zero row).</summary>
    /// <exception cref="NotSupportedException">No item embedding layer was given.</exception>
    public void ItemSimilarities(int item, Span<float> similarities)
    {
        var layer = ItemVectors ?? throw new NotSupportedException($"{Name} was given no item embedding layer.");
        var table = layer.Weight;
        int dim = layer.OutputShape[^1], items = table.Length / dim;
        var q = table.Slice(item * dim, dim);
        float qn = TensorPrimitives.Norm(q);
        for (int j = 0; j < items && j < similarities.Length; j++)
        {
            var v = table.Slice(j * dim, dim);
            float d = qn * TensorPrimitives.Norm(v);
            similarities[j] = d == 0f ? 0f : TensorPrimitives.Dot(q, v) / d;
        }
    }
}
