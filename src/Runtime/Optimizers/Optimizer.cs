using System;

namespace Axon.Optimizers;

/// <summary>
/// An optimizer over a model's flat parameter and gradient arenas. It owns its state arena
/// (moments, velocities) with the same layout as the parameters, allocated once when bound to a
/// model, and updates one contiguous segment (a layer) per call in a single SIMD pass.
/// </summary>
public abstract class Optimizer
{
    private Arena? _state;
    private int _parameterCount;

    private float _learningRate;

    /// <summary>Creates an optimizer with learning rate η.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative, NaN or infinite.</exception>
    protected Optimizer(float learningRate) => LearningRate = learningRate;

    /// <summary>
    /// Base learning rate η, finite and ≥ 0 (0 is allowed so that schedules can warm up from or
    /// anneal to it); each layer's <see cref="Layer.LearningRateScale"/> multiplies it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite: one step would destroy the weights.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = CheckRange(value, nameof(LearningRate), value >= 0f && float.IsFinite(value), "a finite number ≥ 0");
    }

    /// <summary>
    /// Returns <paramref name="value"/> when <paramref name="valid"/>, else throws an
    /// <see cref="ArgumentOutOfRangeException"/> saying which range was expected and which value was given.
    /// </summary>
    protected static float CheckRange(float value, string name, bool valid, string expected) =>
        valid ? value : throw new ArgumentOutOfRangeException(name, value,
            $"{name} must be {expected}; {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} was given.");

    /// <summary>Number of completed steps <c>t</c> (Adam's bias correction uses it).</summary>
    public long StepCount { get; private set; }

    /// <summary>Floats of state per parameter (0 for plain SGD, 1 for momentum, 2 for Adam).</summary>
    protected abstract int StateSlots { get; }

    /// <summary>Allocates the state for <paramref name="parameterCount"/> parameters. Called once by the model.</summary>
    public void Bind(int parameterCount)
    {
        if (_state is not null) throw new InvalidOperationException("this optimizer is already bound to a model; create one optimizer per model.");
        _parameterCount = parameterCount;
        _state = new Arena(parameterCount * StateSlots);
    }

    /// <summary>Zeroes the state and the step count, as a freshly constructed optimizer.</summary>
    public void Reset()
    {
        _state?.Clear();
        StepCount = 0;
    }

    /// <summary>
    /// Floats of optimizer state: <c>StateSlots · ParameterCount</c> once bound (0 for plain SGD, one velocity per parameter
    /// for momentum, Adam's first then second moments), 0 before <see cref="Bind"/>.
    /// </summary>
    public int StateLength => _state?.Length ?? 0;

    /// <summary>
    /// The optimizer's state arena (momenta, Adam's moments; empty for plain SGD), writable. With <see cref="StepCount"/> and
    /// <see cref="LearningRate"/> it is everything an update depends on besides the parameters and gradients, so copying the three
    /// back (<see cref="RestoreState"/>) makes the next steps bitwise the same as if training had never been interrupted.
    /// </summary>
    public Span<float> State => _state is null ? default : _state.Span;

    /// <summary>
    /// Sets the state back to a copy taken earlier from <see cref="State"/>, with its <see cref="StepCount"/>. Checked first;
    /// on a wrong length nothing changes.
    /// </summary>
    /// <param name="state">Exactly <see cref="StateLength"/> floats.</param>
    /// <param name="stepCount">The completed steps of that state, ≥ 0.</param>
    /// <exception cref="ArgumentException">The length differs from <see cref="StateLength"/>, or the step count is negative.</exception>
    public void RestoreState(ReadOnlySpan<float> state, long stepCount)
    {
        if (state.Length != StateLength)
            throw new ArgumentException(
                $"the optimizer state has {state.Length} values; this {GetType().Name} has {StateLength} ({StateSlots} per parameter).", nameof(state));
        if (stepCount < 0)
            throw new ArgumentOutOfRangeException(nameof(stepCount), stepCount, "the step count must be ≥ 0.");
        state.CopyTo(State);
        StepCount = stepCount;
    }

    /// <summary>State slot <paramref name="slot"/> (Adam: 0 = first moment, 1 = second) over every parameter; tests read it.</summary>
    internal Span<float> StateSlot(int slot) =>
        _state is null ? throw new InvalidOperationException("the optimizer is not bound to a model.")
            : _state.Slice(slot * _parameterCount, _parameterCount);

    /// <summary>Starts a step: increments <see cref="StepCount"/>. Call once before the segment updates of one step.</summary>
    public void BeginStep() => StepCount++;

    /// <summary>
    /// Whether the update of each parameter depends only on that parameter, its gradient and its own
    /// state (true for SGD, momentum, Nesterov, Adam and AdamW). Then a model with several
    /// <c>Threads</c> updates disjoint ranges in parallel, with bitwise the same result. Default:
    /// false, so an optimizer that reads across a layer (LAMB's trust ratio, say) always sees the whole
    /// layer in one <see cref="Update(Span{float}, ReadOnlySpan{float}, int, int, float)"/> call.
    /// </summary>
    public virtual bool IsElementwise => false;

    /// <summary>Updates parameters <c>[offset, offset + count)</c> from their gradients with learning rate <c>η·scale</c>.</summary>
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, int count, float scale)
    {
        if (_state is null) throw new InvalidOperationException("the optimizer is not bound to a model.");
        var p = parameters.Slice(offset, count);
        var g = gradients.Slice(offset, count);
        Span<float> s0 = StateSlots > 0 ? _state.Slice(offset, count) : default;
        Span<float> s1 = StateSlots > 1 ? _state.Slice(_parameterCount + offset, count) : default;
        Update(p, g, s0, s1, LearningRate * scale, StepCount);
    }

    /// <summary>The update rule on one segment; <paramref name="step"/> is <c>t</c>, starting at 1.</summary>
    protected abstract void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> s0, Span<float> s1, float learningRate, long step);
}
