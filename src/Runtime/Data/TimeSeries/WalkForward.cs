using System;
using System.Collections.Generic;

namespace Axon.Data.TimeSeries;

/// <summary>
/// Walk-forward (rolling-origin) splits of a series: train on the past, validate on what follows, test on what follows that,
/// then move the origin forward by the test length and repeat, so every test row is forecast by a model that saw only earlier
/// rows, and the test periods of consecutive folds tile the end of the series without overlap. Shuffled k-fold splits are
/// wrong for a series: they train on the future of the rows they test.
/// </summary>
public static class WalkForward
{
    /// <summary>
    /// The folds of a walk-forward evaluation over <paramref name="length"/> rows. Fold <c>k</c> (from 0) ends its training period
    /// at <c>e_k = start + train + k·step</c>: training rows <c>[start, e_k)</c> (expanding window) or <c>[e_k − train, e_k)</c>
    /// (rolling window, always <paramref name="train"/> rows), validation rows <c>[e_k, e_k + validation)</c>, test rows
    /// <c>[e_k + validation, e_k + validation + test)</c>. Folds are made while the test period fits in the series.
    /// </summary>
    /// <param name="length">Rows in the series.</param>
    /// <param name="train">Training rows of the first fold (of every fold when rolling), ≥ 1.</param>
    /// <param name="validation">Validation rows per fold, ≥ 0.</param>
    /// <param name="test">Test rows per fold, ≥ 1.</param>
    /// <param name="expanding">Whether the training period grows from <paramref name="start"/> (true, the default) or rolls at a fixed length.</param>
    /// <param name="step">Rows the origin moves between folds, ≥ 1. Default: null, <paramref name="test"/> (test periods tile).</param>
    /// <param name="start">The first row any fold uses. Default: 0.</param>
    /// <returns>The folds, at least one, in time order.</returns>
    /// <exception cref="ArgumentException">A size out of range, or not even one fold fits in the series.</exception>
    public static IReadOnlyList<WalkForwardSplit> Splits(int length, int train, int validation, int test, bool expanding = true, int? step = null, int start = 0)
    {
        if (train < 1) throw new ArgumentOutOfRangeException(nameof(train), train, $"train is {train}; expected at least 1 row.");
        if (validation < 0) throw new ArgumentOutOfRangeException(nameof(validation), validation, $"validation is {validation}; expected 0 or more rows.");
        if (test < 1) throw new ArgumentOutOfRangeException(nameof(test), test, $"test is {test}; expected at least 1 row.");
        int move = step ?? test;
        if (move < 1) throw new ArgumentOutOfRangeException(nameof(step), move, $"step is {move}; expected at least 1 row.");
        if (start < 0) throw new ArgumentOutOfRangeException(nameof(start), start, $"start is {start}; expected a row ≥ 0.");
        if ((long)start + train + validation + test > length)
            throw new ArgumentException(
                $"one fold needs {train} + {validation} + {test} rows from row {start}, {start + train + validation + test} in all; the series has {length}.", nameof(length));
        var folds = new List<WalkForwardSplit>();
        for (int k = 0; ; k++)
        {
            long end = start + train + (long)k * move;
            if (end + validation + test > length) break;
            int e = (int)end;
            folds.Add(new WalkForwardSplit(k,
                new TimeRange(expanding ? start : e - train, e),
                new TimeRange(e, e + validation),
                new TimeRange(e + validation, e + validation + test)));
        }
        return folds;
    }

    /// <summary>
    /// One chronological split: the first <paramref name="trainFraction"/> of the rows train, the next
    /// <paramref name="validationFraction"/> validate, the rest test (each part rounded down to whole rows, the test part taking
    /// what rounding leaves).
    /// </summary>
    /// <param name="length">Rows in the series.</param>
    /// <param name="trainFraction">In (0, 1).</param>
    /// <param name="validationFraction">In [0, 1 − trainFraction).</param>
    /// <exception cref="ArgumentException">Fractions out of range, or a part with no rows.</exception>
    public static WalkForwardSplit Chronological(int length, double trainFraction, double validationFraction)
    {
        if (!(trainFraction > 0 && trainFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction, $"trainFraction is {trainFraction}; expected a fraction in (0, 1).");
        if (!(validationFraction >= 0 && trainFraction + validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction,
                $"validationFraction is {validationFraction}; expected ≥ 0 and below 1 − trainFraction = {1 - trainFraction}.");
        int train = (int)(length * trainFraction), validation = (int)(length * validationFraction);
        if (train < 1 || length - train - validation < 1)
            throw new ArgumentException($"{length} rows split {trainFraction}/{validationFraction} leave a part with no rows.", nameof(length));
        return new WalkForwardSplit(0, new TimeRange(0, train), new TimeRange(train, train + validation), new TimeRange(train + validation, length));
    }
}
