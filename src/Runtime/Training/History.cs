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

    /// <summary>
    /// The epochs as CSV, one row per epoch under the header
    /// <c>epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,learning_rate,seconds,samples_per_second,skipped_batches,train_mae,validation_mae</c>;
    /// numbers in invariant culture with round-trip precision, an empty field for NaN (no validation, no accuracy for a regression,
    /// no mean absolute error for a classifier).
    /// </summary>
    public string ToCsv() => HistoryExport.Csv(_epochs);

    /// <summary>
    /// The epochs as a JSON array of objects with the CSV's column names as keys (<c>null</c> for NaN), indented unless
    /// <paramref name="indented"/> is false.
    /// </summary>
    public string ToJson(bool indented = true) => HistoryExport.Json(_epochs, indented);

    /// <summary>
    /// Training curves as a self-contained SVG document: training and validation loss per epoch, and beside it training and
    /// validation accuracy when the model has one, or the mean absolute errors for a regression. Write it to a <c>.svg</c> file and open it in a browser.
    /// </summary>
    /// <param name="title">The document's title. Default: "Training history".</param>
    public string ToSvg(string title = "Training history") => HistoryChart.Svg(_epochs, title);

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
