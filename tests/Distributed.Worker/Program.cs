// The program tests/Distributed.Tests starts with `mpirun -np 2 dotnet Axon.Distributed.Worker.dll key=value ...`:
// a data-parallel Fit on the first `samples` Fashion-MNIST training images, the final parameters and optimizer state of each rank
// written to out/rank{r}.f32, and faults injected on rank 1 on request (a different model or shard, death, a hang, an exception).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using Axon;
using Axon.Data;
using Axon.Distributed;
using Axon.Distributed.Worker;
using Axon.Training;

var o = new Dictionary<string, string>(StringComparer.Ordinal);
foreach (var a in args)
{
    int eq = a.IndexOf('=', StringComparison.Ordinal);
    if (eq <= 0) { Console.Error.WriteLine($"worker: expected key=value, got '{a}'"); return 2; }
    o[a[..eq]] = a[(eq + 1)..];
}
string Get(string key, string fallback) => o.TryGetValue(key, out var v) ? v : fallback;
int Int(string key, int fallback) => int.Parse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

// A long timeout while the ranks start and load the data (a loaded CI machine), the requested one from the first step (Fault.OnTrainBegin).
using var group = MpiProcessGroup.Initialize(TimeSpan.FromSeconds(120));
int rank = group.Rank;
var (all, _) = FashionMnist.Load(Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist"));
var data = all.Subset(Range(Int("samples", 2048)));
var shard = data.Shard(group);
string mismatch = Get("mismatch", "");
if (mismatch == "data" && rank == 1) shard = shard.Subset(Range(shard.Count - 1));

IModel model = Get("model", "mlp") switch
{
    "bn" => new WorkerBatchNormMlp(),
    _ when mismatch == "model" && rank == 1 => new WorkerOtherMlp(),
    _ => new WorkerMlp(),
};
var callbacks = new List<Callback> { new Fault(Get("fault", ""), Int("fault-epoch", 1), rank, group, TimeSpan.FromSeconds(Int("timeout", 60))) };
if (o.TryGetValue("checkpoint", out var checkpoint)) callbacks.Insert(0, new ModelCheckpoint(checkpoint));
var options = new FitOptions
{
    Epochs = Int("epochs", 2),
    BatchSize = Int("batch", 32),
    Shuffle = Get("shuffle", "0") == "1",
    Seed = 7,
    Progress = ProgressMode.Lines,
    Callbacks = callbacks,
    ResumeFrom = o.TryGetValue("resume", out var resume) ? resume : null,
    ProcessGroup = group,
};
try
{
    var history = model.Fit(shard, options);
    Console.WriteLine($"rank {rank}: trained {history.Count} epochs, last loss {history[^1].TrainLoss:R}");
}
catch (ProcessGroupMismatchException e)
{
    Console.Error.WriteLine($"rank {rank}: {e.Message}");
    return 3;
}
if (o.TryGetValue("out", out var folder))
{
    Directory.CreateDirectory(folder);
    using var file = File.Create(Path.Combine(folder, $"rank{rank}.f32"));
    file.Write(MemoryMarshal.AsBytes((ReadOnlySpan<float>)model.Parameters));
    file.Write(MemoryMarshal.AsBytes((ReadOnlySpan<float>)model.Optimizer.State));
}
return 0;

static int[] Range(int n)
{
    var r = new int[n];
    for (int i = 0; i < n; i++) r[i] = i;
    return r;
}

/// <summary>Injects the requested fault on rank 1 after epoch <c>epoch</c>: die (exit 9), kill (SIGKILL), hang or throw.</summary>
internal sealed class Fault(string kind, int epoch, int rank, MpiProcessGroup group, TimeSpan timeout) : Callback
{
    public override void OnTrainBegin(TrainingContext context) => group.Timeout = timeout;

    public override void OnEpochEnd(TrainingContext context, EpochResult result)
    {
        if (rank != 1 || result.Epoch != epoch) return;
        switch (kind)
        {
            case "die":
                Console.Error.WriteLine("rank 1: dying on purpose after epoch " + epoch);
                Environment.Exit(9);
                break;
            case "kill":
                Console.Error.WriteLine("rank 1: killing itself (SIGKILL) after epoch " + epoch);
                Console.Error.Flush();
                System.Diagnostics.Process.GetCurrentProcess().Kill();
                break;
            case "hang":
                Console.Error.WriteLine("rank 1: hanging on purpose after epoch " + epoch);
                Thread.Sleep(Timeout.Infinite);
                break;
            case "throw":
                throw new InvalidOperationException("an injected failure on rank 1 after epoch " + epoch);
        }
    }
}
