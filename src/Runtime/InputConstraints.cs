using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Axon;

/// <summary>
/// What every input position of a model may be: its own range <c>[Lower[j], Upper[j]]</c> (from the <c>[Input(…, Min, Max)]</c>
/// of the member that holds column <c>j</c>) and whether an attack or a noise augmentation may change it
/// (<see cref="InputFeatureKind"/>: ids and immutable features never change; integer features stay integers).
/// Built once per model class (generated models share one static instance), read-only, and its projections allocate nothing.
/// </summary>
/// <remarks>
/// Every attack in <c>Axon.Adversarial</c>, <c>FitOptions.GaussianNoise</c> and TRADES go through <see cref="Project"/>:
/// for L∞, <c>x'ⱼ = clip(clip(x'ⱼ, xⱼ − ε, xⱼ + ε), Lowerⱼ, Upperⱼ)</c> on perturbable positions and <c>x'ⱼ = xⱼ</c> bitwise on
/// the others; for L2, <c>δ = (x' − x)·m</c> (m = 1 on perturbable positions, 0 elsewhere) is scaled to <c>‖δ‖₂ ≤ ε</c> before the
/// same clip. Integer positions are then rounded: to the nearest integer of <c>[⌈max(Lower, x − ε)⌉, ⌊min(Upper, x + ε)⌋]</c> for L∞,
/// towards the clean value for L2 (so the ball still holds). The clean inputs are assumed to lie in their ranges (and to be
/// integers on integer positions), as data the model accepts does.
/// </remarks>
public sealed class InputConstraints
{
    private readonly float[] _lower, _upper;
    private readonly int[] _fixedBits;     // -1 (all bits) on positions that never change, 0 elsewhere: a vector select mask
    private readonly int[] _integerPositions;
    private readonly InputSegment[] _segments;

    /// <summary>Builds the constraints of an input row of <paramref name="inputSize"/> values from its members.</summary>
    /// <param name="inputSize">Values per sample.</param>
    /// <param name="segments">The members in row order; together they cover <c>[0, inputSize)</c> without gaps or overlaps.</param>
    /// <exception cref="ArgumentException">The segments do not tile the row, or a range is empty or NaN.</exception>
    public InputConstraints(int inputSize, params InputSegment[] segments)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentNullException.ThrowIfNull(segments);
        _segments = (InputSegment[])segments.Clone();
        _lower = new float[inputSize];
        _upper = new float[inputSize];
        _fixedBits = new int[inputSize];
        var integers = new List<int>();
        int next = 0;
        bool uniform = true;
        foreach (var s in _segments)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(segments));
            if (s.Offset != next || s.Length <= 0 || s.Offset + s.Length > inputSize)
                throw new ArgumentException(
                    $"segment '{s.Name}' covers columns [{s.Offset}, {s.Offset + s.Length}); expected a non-empty segment starting at column {next} and ending by {inputSize}.", nameof(segments));
            if (!(s.Min <= s.Max))
                throw new ArgumentException($"segment '{s.Name}' has the range [{s.Min}, {s.Max}]; expected Min ≤ Max.", nameof(segments));
            if (!Enum.IsDefined(s.Kind))
                throw new ArgumentException($"segment '{s.Name}' has kind {s.Kind}; expected an InputFeatureKind.", nameof(segments));
            _lower.AsSpan(s.Offset, s.Length).Fill(s.Min);
            _upper.AsSpan(s.Offset, s.Length).Fill(s.Max);
            if (!s.IsPerturbable) _fixedBits.AsSpan(s.Offset, s.Length).Fill(-1);
            if (s.Kind == InputFeatureKind.Integer)
                for (int j = 0; j < s.Length; j++) integers.Add(s.Offset + j);
            uniform &= s.Kind == InputFeatureKind.Continuous && s.Min == _segments[0].Min && s.Max == _segments[0].Max;
            next = s.Offset + s.Length;
        }
        if (next != inputSize)
            throw new ArgumentException($"the segments cover {next} of {inputSize} columns; expected every column.", nameof(segments));
        _integerPositions = integers.ToArray();
        InputSize = inputSize;
        IsUniform = uniform;
        PerturbableCount = inputSize - Array.FindAll(_fixedBits, b => b != 0).Length;
        if (uniform) (UniformMin, UniformMax) = (_segments[0].Min, _segments[0].Max);
    }

    /// <summary>One continuous segment over the whole row with the range <c>[min, max]</c>: what a class-level <c>[Input]</c> declares.</summary>
    public static InputConstraints Uniform(int inputSize, float min, float max, string name = "input") =>
        new(inputSize, new InputSegment(name, 0, inputSize, min, max, InputFeatureKind.Continuous));

    /// <summary>Values per sample.</summary>
    public int InputSize { get; }

    /// <summary>The members, in row order.</summary>
    public IReadOnlyList<InputSegment> Segments => _segments;

    /// <summary>Smallest valid value per input position.</summary>
    public ReadOnlySpan<float> Lower => _lower;

    /// <summary>Largest valid value per input position.</summary>
    public ReadOnlySpan<float> Upper => _upper;

    /// <summary>Whether every position is continuous with one range: attacks then take their scalar fast path.</summary>
    public bool IsUniform { get; }

    /// <summary>How many positions attacks may change.</summary>
    public int PerturbableCount { get; }

    /// <summary>Whether some positions hold integers that must stay integers.</summary>
    public bool HasIntegers => _integerPositions.Length > 0;

    /// <summary>The range when <see cref="IsUniform"/>, else −∞.</summary>
    internal float UniformMin { get; } = float.NegativeInfinity;

    /// <summary>The range when <see cref="IsUniform"/>, else +∞.</summary>
    internal float UniformMax { get; } = float.PositiveInfinity;

    /// <summary>Whether attacks may change position <paramref name="position"/>.</summary>
    public bool IsPerturbable(int position) => _fixedBits[position] == 0;

    /// <summary>The segment holding column <paramref name="position"/>.</summary>
    public InputSegment SegmentOf(int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, InputSize);
        foreach (var s in _segments)
            if (position < s.Offset + s.Length) return s;
        throw new InvalidOperationException("unreachable: the segments tile the row");
    }

    /// <summary>A readable name for column <paramref name="position"/>: the member's name, with <c>[i]</c> when it has several columns.</summary>
    public string FeatureName(int position)
    {
        var s = SegmentOf(position);
        return s.Length == 1 ? s.Name : $"{s.Name}[{position - s.Offset}]";
    }

    /// <summary>
    /// Projects every row of <paramref name="adversarial"/> (<c>[n, InputSize]</c>) onto the feasible set around the clean rows
    /// <paramref name="clean"/>: the ε-ball of <paramref name="norm"/>, each position's range, fixed positions equal to the clean
    /// value and integer positions integers (see the class remarks). ε may be +∞ (only the ranges and kinds apply).
    /// </summary>
    public void Project(ReadOnlySpan<float> clean, Span<float> adversarial, float epsilon, Adversarial.AttackNorm norm = Adversarial.AttackNorm.LInf)
    {
        if (clean.Length != adversarial.Length || adversarial.Length % InputSize != 0)
            throw new ArgumentException($"expected clean and adversarial rows of {InputSize} values, equal lengths; got {clean.Length} and {adversarial.Length}.");
        if (!(epsilon >= 0f))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be non-negative.");
        int f = InputSize;
        for (int start = 0; start < adversarial.Length; start += f)
        {
            var x = clean.Slice(start, f);
            var row = adversarial.Slice(start, f);
            if (norm == Adversarial.AttackNorm.L2)
            {
                if (!IsUniform)
                    for (int j = 0; j < f; j++)
                        if (_fixedBits[j] != 0) row[j] = x[j];
                float length = TensorPrimitives.Distance(row, x);
                if (length > epsilon)
                {
                    TensorPrimitives.Subtract(row, x, row);
                    TensorPrimitives.MultiplyAdd(row, epsilon / length, x, row);
                }
                ClipRow(x, row, float.PositiveInfinity);
                foreach (int j in _integerPositions)
                    row[j] = x[j] + MathF.Truncate(row[j] - x[j]);
            }
            else
            {
                ClipRow(x, row, epsilon);
                foreach (int j in _integerPositions)
                {
                    float low = MathF.Ceiling(MathF.Max(_lower[j], x[j] - epsilon)), high = MathF.Floor(MathF.Min(_upper[j], x[j] + epsilon));
                    row[j] = low <= high ? Math.Clamp(MathF.Round(row[j]), low, high) : x[j];
                }
            }
        }
    }

    /// <summary>
    /// L∞ sign step then projection, fused for the common case: <c>x' ← Π(x' + step·sign(g))</c>, where Π is
    /// <see cref="Project"/> with <see cref="Adversarial.AttackNorm.LInf"/>. A zero gradient gives no step.
    /// </summary>
    public void SignStepProject(ReadOnlySpan<float> clean, ReadOnlySpan<float> gradient, Span<float> adversarial, float step, float epsilon)
    {
        if (IsUniform)
        {
            Adversarial.Attacks.SignStepProject(clean, gradient, adversarial, step, epsilon, UniformMin, UniformMax);
            return;
        }
        for (int i = 0; i < adversarial.Length; i++)
        {
            float g = gradient[i];
            adversarial[i] += g > 0f ? step : g < 0f ? -step : 0f;
        }
        Project(clean, adversarial, epsilon);
    }

    /// <summary>Zeroes the fixed (ids, immutable) positions of every row of <paramref name="rows"/>, e.g. of a gradient before it is normalised.</summary>
    public void MaskFixed(Span<float> rows)
    {
        if (PerturbableCount == InputSize) return;
        for (int start = 0; start + InputSize <= rows.Length; start += InputSize)
            for (int j = 0; j < InputSize; j++)
                if (_fixedBits[j] != 0) rows[start + j] = 0f;
    }

    /// <summary>
    /// <c>x̃ = clip(x + σ·n, range)</c> with <c>n</c> standard normal from <paramref name="rng"/> on perturbable positions (integer
    /// ones rounded to the nearest integer in range); ids and immutable positions are copied bitwise. One normal draw per value
    /// whatever its kind, so the sequence does not depend on the declaration.
    /// </summary>
    public void AddGaussianNoise(ReadOnlySpan<float> clean, Span<float> outputs, float sigma, ref Rng rng)
    {
        if (clean.Length != outputs.Length || outputs.Length % InputSize != 0)
            throw new ArgumentException($"expected clean and output rows of {InputSize} values, equal lengths; got {clean.Length} and {outputs.Length}.");
        for (int i = 0; i < outputs.Length; i++) outputs[i] = clean[i] + sigma * rng.NextGaussian();
        Project(clean, outputs, float.PositiveInfinity);
    }

    /// <summary>
    /// Per position: fixed → the clean value; else <c>clip(clip(v, x − ε, x + ε), Lower, Upper)</c>. With ε = +∞ the ball
    /// clip is skipped (x ± ∞ would be fine, but a fixed position times ∞ is not needed).
    /// </summary>
    private void ClipRow(ReadOnlySpan<float> x, Span<float> row, float epsilon)
    {
        int j = 0, f = row.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            var eps = Vector256.Create(epsilon);
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float ar = ref MemoryMarshal.GetReference(row);
            ref float lr = ref _lower[0];
            ref float ur = ref _upper[0];
            ref int fr = ref _fixedBits[0];
            for (; j <= f - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                var c = Vector256.LoadUnsafe(ref xr, (nuint)j);
                var v = Vector256.LoadUnsafe(ref ar, (nuint)j);
                v = Vector256.Max(Vector256.Min(v, c + eps), c - eps);
                v = Vector256.Max(Vector256.Min(v, Vector256.LoadUnsafe(ref ur, (nuint)j)), Vector256.LoadUnsafe(ref lr, (nuint)j));
                v = Vector256.ConditionalSelect(Vector256.LoadUnsafe(ref fr, (nuint)j).AsSingle(), c, v);
                v.StoreUnsafe(ref ar, (nuint)j);
            }
        }
        for (; j < f; j++)
        {
            if (_fixedBits[j] != 0) { row[j] = x[j]; continue; }
            float v = Math.Clamp(row[j], x[j] - epsilon, x[j] + epsilon);
            row[j] = Math.Clamp(v, _lower[j], _upper[j]);
        }
    }
}
