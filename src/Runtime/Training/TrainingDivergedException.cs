using System;

namespace Axon.Training;

/// <summary>
/// Training produced a non-finite loss, gradient or weight. The model's parameters and optimizer state have been put back to
/// <see cref="RestoredTo"/>, so the model is usable (and savable) as it was then.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(string message, int epoch, int step, string restoredTo) : base(message)
    {
        Epoch = epoch;
        Step = step;
        RestoredTo = restoredTo;
    }

    /// <summary>Creates the exception with a message only (for serializers and tests).</summary>
    public TrainingDivergedException(string message) : this(message, 0, 0, "") { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public TrainingDivergedException(string message, Exception innerException) : base(message, innerException) => RestoredTo = "";

    /// <summary>Creates an empty exception.</summary>
    public TrainingDivergedException() : this("training diverged.") { }

    /// <summary>The epoch of the failing step, from 1.</summary>
    public int Epoch { get; }

    /// <summary>The failing step within its epoch, from 1.</summary>
    public int Step { get; }

    /// <summary>Which state the model was restored to, in words ("before step 2 of epoch 1", "the start of epoch 3").</summary>
    public string RestoredTo { get; }
}
