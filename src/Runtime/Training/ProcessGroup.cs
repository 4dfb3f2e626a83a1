using System;

namespace Axon.Training;

/// <summary>
/// The processes that train one model together by data parallelism (<see cref="FitOptions.ProcessGroup"/>): <see cref="Size"/>
/// ranks, each holding the same model and its own shard of the data. <see cref="Trainer.Fit"/> calls the collectives below in the
/// same order on every rank; the Axon.Distributed package implements them over MPI (<c>MpiProcessGroup</c>), so this assembly never
/// loads a native library.
/// </summary>
/// <remarks>
/// Every collective is blocking and must be entered by every rank with the same lengths. An implementation must give every rank the
/// same bits from <see cref="AllReduceSum(Span{float})"/> (MPI does, since float addition is commutative and each element is reduced
/// once then distributed), because identical optimizer steps on every rank rest on it; <see cref="Trainer.Fit"/> checks it after every
/// epoch with a hash of the weights.
/// </remarks>
public abstract class ProcessGroup
{
    /// <summary>This process's index, in [0, <see cref="Size"/>). Rank 0 prints progress and writes checkpoints.</summary>
    public abstract int Rank { get; }

    /// <summary>The number of processes.</summary>
    public abstract int Size { get; }

    /// <summary>Whether this is rank 0.</summary>
    public bool IsRoot => Rank == 0;

    /// <summary>In place: every rank's <paramref name="values"/> become the element-wise sum over all ranks, the same bits on every rank.</summary>
    public abstract void AllReduceSum(Span<float> values);

    /// <summary>In place, as <see cref="AllReduceSum(Span{float})"/> in double precision (metrics).</summary>
    public abstract void AllReduceSum(Span<double> values);

    /// <summary>In place: every rank's <paramref name="values"/> become rank <paramref name="root"/>'s.</summary>
    public abstract void Broadcast(Span<float> values, int root);

    /// <summary>
    /// Every rank's <paramref name="local"/> (the same length on every rank), concatenated in rank order into <paramref name="all"/>
    /// (<c>Size·local.Length</c> values): rank r's values at <c>[r·local.Length, (r + 1)·local.Length)</c>.
    /// </summary>
    public abstract void AllGather(ReadOnlySpan<long> local, Span<long> all);

    /// <summary>
    /// Ends the whole job because of <paramref name="cause"/>, an error on this rank alone that the other ranks cannot see (they would
    /// wait for this one forever): an implementation prints the message with this rank's number and stops every rank
    /// (<c>MPI_Abort</c>). <see cref="Trainer.Fit"/> calls it for any exception that is not thrown alike on every rank. The default
    /// does nothing, and Fit then rethrows.
    /// </summary>
    public virtual void Abort(Exception cause) { }
}
