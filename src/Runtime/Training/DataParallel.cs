using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace Axon.Training;

/// <summary>
/// Data-parallel training for <see cref="FitRun"/> (<see cref="FitOptions.ProcessGroup"/>): the handshake and the weights broadcast
/// at the start, the one all-reduce of the gradient arena per step, and the reduction of the epoch's figures. Every method is a
/// collective: every rank calls it at the same point of the run.
/// </summary>
/// <remarks>
/// The step: each rank computes ∂(mean loss over its n local samples)/∂θ, scales it by 1/P and the ranks sum it, which with equal
/// local batches is ∂(mean loss over the global batch of P·n samples)/∂θ. The non-trainable parameters (BatchNorm running statistics,
/// padding) ride in the same buffer at their own offsets, scaled the same way, so they are averaged over the ranks every step: one
/// message per step, and every rank's arena stays identical.
/// </remarks>
internal sealed class DataParallel
{
    private const long Protocol = 1;

    private static readonly string[] Fields =
    [
        "Axon data-parallel protocol", "model (its name, layers, offsets, frozen layers, learning-rate scales, optimizer and learning rate)",
        "parameter arena length", "parameter count", "optimizer state length", "training samples", "batch size", "steps per epoch",
        "epochs", "completed epochs (a resumed run)", "steps taken (a resumed run)", "options (seed, shuffle, sampling, L1, clipping, " +
        "non-finite action, schedule, noise, unfreezing)",
    ];

    private readonly IModel _model;
    private readonly ProcessGroup _group;
    private readonly (int Offset, int Length)[] _extra;
    private readonly float _scale;
    private readonly double[] _sums = new double[6];
    // Reused every epoch: an epoch of data-parallel training allocates nothing after the first (TrainingAllocationTests' rule).
    private readonly XxHash64 _hash = new();
    private readonly long[] _hashes;

    public DataParallel(IModel model, ProcessGroup group, (int Offset, int Length)[] extra)
    {
        _model = model;
        _group = group;
        _extra = extra;
        _scale = 1f / group.Size;
        _hashes = new long[group.Size];
    }

    public ProcessGroup Group => _group;

    /// <summary>
    /// Checks that every rank trains the same model on the same amount of data with the same options (else every rank throws the
    /// same <see cref="ProcessGroupMismatchException"/>), then copies rank 0's parameters and optimizer state to every rank.
    /// </summary>
    public void Begin(FitRun run)
    {
        var local = Fingerprint(run);
        var all = new long[local.Length * _group.Size];
        _group.AllGather(local, all);
        var problems = new List<string>();
        for (int f = 0; f < local.Length; f++)
        {
            bool same = true;
            for (int r = 1; r < _group.Size; r++) same &= all[r * local.Length + f] == all[f];
            if (same) continue;
            var values = new StringBuilder();
            for (int r = 0; r < _group.Size; r++)
            {
                if (r > 0) values.Append(", ");
                long v = all[r * local.Length + f];
                values.Append(CultureInfo.InvariantCulture, $"rank {r} has {(f is 1 or 11 ? "#" + ((ulong)v).ToString("x16", CultureInfo.InvariantCulture) : v.ToString("N0", CultureInfo.InvariantCulture))}");
            }
            problems.Add($"{Fields[f]}: {values}");
        }
        if (problems.Count > 0)
            throw new ProcessGroupMismatchException(
                $"{_model.Name}: the {_group.Size} ranks of the process group do not train the same thing, so none of them started: " +
                string.Join("; ", problems) + ". Every rank must build the same model with the same options and hold a shard of the same " +
                "size (Dataset.Shard gives equal shards).");
        _group.Broadcast(_model.Parameters, 0);
        var state = _model.Optimizer.State;
        if (!state.IsEmpty) _group.Broadcast(state, 0);
    }

    /// <summary>
    /// Sums <c>gradients/P</c> over the ranks in place, and averages the non-trainable parameters through the same buffer. A rank whose
    /// step failed locally (non-finite loss) passes NaN, so every rank sees a non-finite gradient and refuses the step together.
    /// </summary>
    public void ReduceGradients(Span<float> gradients)
    {
        var parameters = _model.Parameters;
        foreach (var (offset, length) in _extra) parameters.Slice(offset, length).CopyTo(gradients.Slice(offset, length));
        if (_scale != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(gradients, _scale, gradients);
        _group.AllReduceSum(gradients);
        foreach (var (offset, length) in _extra) gradients.Slice(offset, length).CopyTo(parameters.Slice(offset, length));
    }

    /// <summary>The epoch's running sums over every rank.</summary>
    public void Reduce(ref EpochTotals totals)
    {
        _sums[0] = totals.Loss;
        _sums[1] = totals.Correct;
        _sums[2] = totals.Correct < 0 ? 1 : 0;
        _sums[3] = totals.Seen;
        // A regression's absolute errors (NaN, no MAE, on any rank makes the sum NaN, as it does for one process).
        _sums[4] = double.IsNaN(totals.AbsoluteError) ? 0 : totals.AbsoluteError;
        _sums[5] = double.IsNaN(totals.AbsoluteError) ? 1 : 0;
        _group.AllReduceSum(_sums);
        totals.Loss = _sums[0];
        totals.Correct = _sums[2] > 0 ? -1 : (long)_sums[1];
        totals.Seen = (int)_sums[3];
        totals.AbsoluteError = _sums[5] > 0 ? double.NaN : _sums[4];
    }

    /// <summary>An evaluation of every rank's own samples, combined: loss, accuracy and mean absolute error weighted by each rank's count.</summary>
    public Evaluation Reduce(Evaluation e)
    {
        _sums[0] = e.Loss * e.Count;
        _sums[1] = double.IsNaN(e.Accuracy) ? 0 : e.Accuracy * e.Count;
        _sums[2] = double.IsNaN(e.Accuracy) ? 1 : 0;
        _sums[3] = e.Count;
        _sums[4] = double.IsNaN(e.MeanAbsoluteError) ? 0 : e.MeanAbsoluteError * e.Count;
        _sums[5] = double.IsNaN(e.MeanAbsoluteError) ? 1 : 0;
        _group.AllReduceSum(_sums);
        int count = (int)_sums[3];
        return new Evaluation(_sums[0] / count, _sums[2] > 0 ? double.NaN : Math.Round(_sums[1]) / count, count)
        {
            MeanAbsoluteError = _sums[5] > 0 ? double.NaN : _sums[4] / count,
        };
    }

    /// <summary>
    /// After an epoch: every rank must hold the same bits (parameters and optimizer state). A difference means the transport did not
    /// give every rank the same sums; training stops on every rank rather than go on with models that silently differ.
    /// </summary>
    public void CheckInSync(int epoch)
    {
        var hash = _hash;
        hash.Reset();
        hash.Append(MemoryMarshal.AsBytes((ReadOnlySpan<float>)_model.Parameters));
        hash.Append(MemoryMarshal.AsBytes((ReadOnlySpan<float>)_model.Optimizer.State));
        Span<long> local = stackalloc long[1];
        local[0] = (long)hash.GetCurrentHashAsUInt64();
        var all = _hashes;
        _group.AllGather(local, all);
        for (int r = 1; r < all.Length; r++)
            if (all[r] != all[0])
                throw new ProcessGroupMismatchException(
                    $"{_model.Name}: after epoch {epoch} the weights of rank {r} differ from rank 0's (hash {(ulong)all[r]:x16} against {(ulong)all[0]:x16}); " +
                    "the all-reduce did not give every rank the same sums. Training stopped on every rank; resume from the last checkpoint.");
    }

    private long[] Fingerprint(FitRun run)
    {
        var model = run.Model;
        var o = run.Options;
        var identity = new StringBuilder();
        identity.Append(model.Name).Append('|').Append(model.Optimizer.GetType().FullName).Append('|')
            .Append(BitConverter.SingleToInt32Bits(model.Optimizer.LearningRate)).Append('|').Append(model.InputSize).Append('|').Append(model.OutputSize);
        foreach (var l in model.Layers)
            identity.Append(CultureInfo.InvariantCulture,
                $"|{l.Name}:{l.Kind}:{l.ParameterOffset}:{l.WeightCount}:{l.BiasCount}:{l.IsFrozen}:{BitConverter.SingleToInt32Bits(l.LearningRateScale)}:{BitConverter.SingleToInt32Bits(l.WeightDecay)}");
        var options = string.Create(CultureInfo.InvariantCulture,
            $"{o.Seed}|{o.Shuffle}|{o.BalancedSampling}|{o.L1}|{o.GradientClipNorm}|{o.OnNonFinite}|{o.LearningRateSchedule?.GetType().FullName}|{o.GaussianNoise}|" +
            $"{o.Unfreezing is not null}|{o.ClassWeights?.Length}|{o.PositiveClassWeight}|{o.FocalLoss is not null}|{o.EvaluateTrainingSet}|{run.HasValidation}");
        return
        [
            Protocol, Hash(identity.ToString()), model.Parameters.Length, model.ParameterCount, model.Optimizer.StateLength, run.Train.Count,
            run.BatchSize, run.StepsPerEpoch, o.Epochs, run.Epoch, run.GlobalStep, Hash(options),
        ];
    }

    private static long Hash(string text) => (long)XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text));
}
