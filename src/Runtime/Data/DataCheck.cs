using System;
using System.Globalization;
using System.Numerics.Tensors;

namespace Axon.Data;

/// <summary>
/// Checks a whole dataset against a model once, before training, evaluation, fine-tuning or a robustness report
/// touches the model, and names the dataset row and column of the first offender. The value checks are two vectorised reductions
/// (<see cref="TensorPrimitives.Min(ReadOnlySpan{float})"/> and <c>Max</c>, which propagate NaN) over the feature array; only when
/// they find something is the array scanned for the first offender.
/// </summary>
internal static class DataCheck
{
    public static void Validate(IModel model, Dataset data, string what, bool checkRange)
    {
        if (data.Count == 0)
            throw new ArgumentException($"{what} has no samples; expected at least 1.");
        if (data.FeatureSize != model.InputSize)
            throw new ArgumentException(
                $"{what} has {data.FeatureSize} features per sample, {model.Name} expects {model.InputSize}.");
        if (model.TargetKind == TargetKind.ClassIndex)
        {
            if (data.Labels is null)
                throw new ArgumentException(
                    $"{what} has target values ({data.TargetSize} per sample), but {model.Name} is trained on class indices; " +
                    "build the dataset with Dataset.FromClassification.");
            var labels = data.Labels;
            int classes = model.OutputSize;
            for (int i = 0; i < labels.Length; i++)
                if ((uint)labels[i] >= (uint)classes)
                    throw new ArgumentException(
                        $"{what}, row {i}: the label is {labels[i]}; {model.Name} has {classes} classes, so labels must be in [0, {classes - 1}].");
        }
        else
        {
            if (data.Targets is null)
                throw new ArgumentException(
                    $"{what} has class labels, but {model.Name} expects {model.OutputSize} target value{(model.OutputSize == 1 ? "" : "s")} per sample; " +
                    "build the dataset with Dataset.FromRegression.");
            if (data.TargetSize != model.OutputSize)
                throw new ArgumentException(
                    $"{what} has {data.TargetSize} target values per sample, {model.Name} expects {model.OutputSize}.");
            var targets = data.Targets;
            float min = TensorPrimitives.Min<float>(targets), max = TensorPrimitives.Max<float>(targets);
            if (!float.IsFinite(min) || !float.IsFinite(max))
            {
                int i = Guard.IndexOfNonFinite(targets);
                throw new ArgumentException(
                    $"{what}, row {i / data.TargetSize}, target {i % data.TargetSize}: the value is {Text(targets[i])}; expected finite targets. Fix or drop that row.");
            }
            if (model.Loss == Loss.BinaryCrossEntropy && (min < 0f || max > 1f))
            {
                int i = 0;
                while (targets[i] >= 0f && targets[i] <= 1f) i++;
                throw new ArgumentException(
                    $"{what}, row {i / data.TargetSize}, target {i % data.TargetSize}: the value is {Text(targets[i])}; binary cross-entropy expects targets in [0, 1] " +
                    $"(the targets range over [{Text(min)}, {Text(max)}]).");
            }
        }

        var features = data.Features;
        int f = data.FeatureSize;
        float low = TensorPrimitives.Min<float>(features), high = TensorPrimitives.Max<float>(features);
        if (!float.IsFinite(low) || !float.IsFinite(high))
        {
            int i = Guard.IndexOfNonFinite(features);
            throw new ArgumentException(
                $"{what}, row {i / f}, column {i % f}: the value is {Text(features[i])}; expected finite inputs. Fix or drop that row (or impute the missing value) before training.");
        }
        float lo = model.InputMin, hi = model.InputMax;
        if (checkRange && (low < lo || high > hi))
        {
            int first = 0;
            while (features[first] >= lo && features[first] <= hi) first++;
            int columns = 0;
            for (int c = 0; c < f; c++)
                for (int r = 0; r < data.Count; r++)
                {
                    float v = features[r * f + c];
                    if (v < lo || v > hi) { columns++; break; }
                }
            string hint = high > hi && hi <= 1f && high <= 255f && low >= 0f ? " (pixels 0-255: divide by 255)" : "";
            throw new ArgumentException(
                $"{what} has inputs in [{Text(low)}, {Text(high)}], but {model.Name} declares its input range as [{Text(lo)}, {Text(hi)}] " +
                $"([Input(…, Min = {Text(lo)}, Max = {Text(hi)})]): row {first / f}, column {first % f} is {Text(features[first])}, the first value outside, " +
                $"and {columns} of {f} columns have values outside. Scale the data to the declared range{hint}, or set FitOptions.CheckInputRange = false " +
                "to train outside it on purpose.");
        }
    }

    private static string Text(float v) => v.ToString("G7", CultureInfo.InvariantCulture);
}
