using System;
using System.Collections;
using System.Collections.Generic;

namespace Axon.Training;

/// <summary>The epochs of one <see cref="Trainer.Fit"/> call, in order.</summary>
public sealed class History : IReadOnlyList<EpochResult>
{
    private readonly List<EpochResult> _epochs;

    internal History(int capacity) => _epochs = new List<EpochResult>(capacity);

    internal void Add(EpochResult result) => _epochs.Add(result);

    /// <summary>Number of completed epochs.</summary>
    public int Count => _epochs.Count;

    /// <summary>The result of the epoch at <paramref name="index"/> (epoch number <c>index + 1</c>).</summary>
    public EpochResult this[int index] => _epochs[index];

    /// <summary>The last epoch's result.</summary>
    /// <exception cref="InvalidOperationException">No epoch has completed.</exception>
    public EpochResult Last => _epochs.Count > 0 ? _epochs[^1] : throw new InvalidOperationException("the history is empty: no epoch has completed.");

    /// <summary>Sum of the epochs' <see cref="EpochResult.Seconds"/>.</summary>
    public double TotalSeconds
    {
        get
        {
            double sum = 0;
            foreach (var e in _epochs) sum += e.Seconds;
            return sum;
        }
    }

    /// <summary>The epoch with the lowest validation loss, or null without validation.</summary>
    public EpochResult? BestValidation
    {
        get
        {
            EpochResult? best = null;
            foreach (var e in _epochs)
                if (e.HasValidation && (best is null || e.ValidationLoss < best.Value.ValidationLoss))
                    best = e;
            return best;
        }
    }

    /// <summary>Enumerates the epochs in order.</summary>
    public List<EpochResult>.Enumerator GetEnumerator() => _epochs.GetEnumerator();

    IEnumerator<EpochResult> IEnumerable<EpochResult>.GetEnumerator() => _epochs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _epochs.GetEnumerator();
}
