using System;

namespace Axon.Adversarial;

/// <summary>
/// Reusable scratch memory for the attacks that need more than one buffer
/// (<see cref="Attacks.PgdWithRestarts"/>, <see cref="Attacks.MiFgsm"/>, <see cref="Attacks.DeepFool"/>,
/// <see cref="Attacks.CarliniWagnerL2"/>, <see cref="Attacks.Apgd"/>, <see cref="Attacks.Square"/>, <see cref="Attacks.FabTargeted"/>). Create one per model shape and keep it: every buffer is
/// allocated the first time an attack asks for it and reused afterwards, so after each attack has
/// run once (the warm-up) the attacks allocate nothing.
/// </summary>
/// <remarks>
/// Sizes: up to six <c>[MaxCount, InputSize]</c> float buffers (Carlini-Wagner and APGD use six, DeepFool
/// five, the others one or two; FAB-T three and four single-row ones), one <c>[MaxCount, OutputSize]</c> buffer for logits and a few per-sample
/// arrays. A workspace is not thread-safe: use one per thread. It fits any model with the same
/// <see cref="IModel.InputSize"/> and <see cref="IModel.OutputSize"/>.
/// </remarks>
public sealed class AttackWorkspace
{
    private const int FeatureSlots = 8, ScalarSlots = 8, LabelSlots = 3, FlagSlots = 4;
    private readonly float[]?[] _features = new float[]?[FeatureSlots];
    private readonly float[]?[] _scalars = new float[]?[ScalarSlots];
    private readonly int[]?[] _labels = new int[]?[LabelSlots];
    private readonly bool[]?[] _flags = new bool[]?[FlagSlots];
    private float[]? _logits, _logitGradient;

    /// <summary>Creates an empty workspace for batches of up to <paramref name="maxCount"/> samples of <paramref name="model"/>'s shape.</summary>
    /// <param name="model">Gives the input and output sizes.</param>
    /// <param name="maxCount">Largest batch the attacks will be given. Default (0): the model's <see cref="IModel.MaxBatchSize"/>.</param>
    public AttackWorkspace(IModel model, int maxCount = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        InputSize = model.InputSize;
        OutputSize = model.OutputSize;
        MaxCount = maxCount == 0 ? model.MaxBatchSize : maxCount;
    }

    /// <summary>Input values per sample.</summary>
    public int InputSize { get; }

    /// <summary>Output values per sample.</summary>
    public int OutputSize { get; }

    /// <summary>Largest batch this workspace holds.</summary>
    public int MaxCount { get; }

    /// <summary>Bytes currently allocated by this workspace (grows during warm-up, then stays).</summary>
    public long AllocatedBytes
    {
        get
        {
            long total = ((_logits?.Length ?? 0) + (_logitGradient?.Length ?? 0)) * 4L;
            foreach (var a in _features) total += (a?.Length ?? 0) * 4L;
            foreach (var a in _scalars) total += (a?.Length ?? 0) * 4L;
            foreach (var a in _labels) total += (a?.Length ?? 0) * 4L;
            foreach (var a in _flags) total += a?.Length ?? 0;
            return total;
        }
    }

    internal void Check(IModel model, int count)
    {
        if (model.InputSize != InputSize || model.OutputSize != OutputSize)
            throw new ArgumentException(
                $"the workspace was made for models with {InputSize} inputs and {OutputSize} outputs; {model.Name} has {model.InputSize} and {model.OutputSize}.",
                nameof(model));
        if (count > MaxCount)
            throw new ArgumentException(
                $"batch of {count} samples exceeds the workspace's {MaxCount}; create it with new AttackWorkspace(model, maxCount: {count}).");
    }

    /// <summary>Feature buffer <paramref name="slot"/>, <c>[count, InputSize]</c>.</summary>
    internal Span<float> Features(int slot, int count) =>
        (_features[slot] ??= new float[MaxCount * InputSize]).AsSpan(0, count * InputSize);

    /// <summary>Logits buffer, <c>[count, OutputSize]</c>.</summary>
    internal Span<float> Logits(int count) => (_logits ??= new float[MaxCount * OutputSize]).AsSpan(0, count * OutputSize);

    /// <summary>Second logits-shaped buffer (∂loss/∂logits for APGD), <c>[count, OutputSize]</c>.</summary>
    internal Span<float> LogitGradient(int count) => (_logitGradient ??= new float[MaxCount * OutputSize]).AsSpan(0, count * OutputSize);

    /// <summary>One float per sample.</summary>
    internal Span<float> Scalars(int slot, int count) => (_scalars[slot] ??= new float[MaxCount]).AsSpan(0, count);

    /// <summary>One int per sample.</summary>
    internal Span<int> Labels(int slot, int count) => (_labels[slot] ??= new int[MaxCount]).AsSpan(0, count);

    /// <summary>One flag per sample.</summary>
    internal Span<bool> Flags(int slot, int count) => (_flags[slot] ??= new bool[MaxCount]).AsSpan(0, count);
}
