using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using Axon.Data;
using Axon.Training;

namespace Axon.Benchmarks;

/// <summary>
/// <c>warmup --fit EPOCHS</c>: the lessons' path, <see cref="Trainer.Fit"/> (shuffled batches, the checked step), timed epoch by
/// epoch. Steady speed is the median epoch of the last third; the time to steady state is the time from the start of
/// <c>Fit</c> to the start of the first epoch within 10 % of that median; the time lost to warm-up is the whole fit minus
/// epochs × the median epoch. mlp-784-128-10 fits the first 8,192 Fashion-MNIST training images, mlp-2-64-64-2 the 4,096
/// ring points.
/// </summary>
internal static partial class Warmup
{
    private static int RunFit(string? model, int batch, int epochs, string? dataDir, bool trace)
    {
        Dataset train;
        IModel net;
        if (model == "mlp-784-128-10")
        {
            var data = BenchData.Fashion(dataDir);
            train = Dataset.FromClassification(data.Inputs, data.Labels, BenchData.InputSize);
            net = BenchModels.Create(model);
        }
        else if (model == "mlp-2-64-64-2")
        {
            var (inputs, labels) = Rings(4096);
            train = Dataset.FromClassification(inputs, labels, 2);
            net = new Mlp2x64x64x2();
        }
        else throw new ArgumentException("--model must be mlp-784-128-10 or mlp-2-64-64-2");

        var clock = new EpochClock(epochs);
        clock.Start();
        net.Fit(train, new FitOptions { Epochs = epochs, BatchSize = batch, Progress = ProgressMode.None, Callbacks = [clock] });

        int samples = train.Count / batch * batch;
        var inv = CultureInfo.InvariantCulture;
        if (trace)
            for (int i = 0; i < clock.Wall.Count; i++)
                Console.Error.WriteLine(string.Create(inv,
                    $"epoch {i + 1,4} {clock.Wall[i] * 1e3,9:F2} ms {samples / clock.Wall[i],12:N0} samples/s   CPU {clock.Cpu[i] * 1e3,9:F2} ms"));
        var json = new StringBuilder("{\"benchmark\":\"warmup-fit\",");
        json.Append(inv, $"\"model\":\"{model}\",\"batch\":{batch},\"epochs\":{epochs},\"samples_per_epoch\":{samples},");
        Figures(json, "", clock.Wall, samples);
        Figures(json, "cpu_", clock.Cpu, samples);
        json.Append("\"jit\":\"").Append(JitSettings()).Append("\"}");
        Console.WriteLine(json.ToString());
        return 0;
    }

    // Steady epoch = the median of the last third; the time to steady state is the sum of the epochs before the first one
    // within 10 % of it; the time lost is the whole fit minus epochs × the steady epoch.
    private static void Figures(StringBuilder json, string prefix, List<double> times, int samples)
    {
        var inv = CultureInfo.InvariantCulture;
        double steadyEpoch = Throughput.Median(times.Skip(times.Count * 2 / 3).ToArray());
        int first = times.FindIndex(t => t <= 1.1 * steadyEpoch);
        double toSteady = times.Take(first).Sum(), total = times.Sum();
        json.Append(inv, $"\"{prefix}first_epoch_ms\":{times[0] * 1e3:F1},\"{prefix}epochs_to_steady\":{first},\"{prefix}ms_to_steady\":{toSteady * 1e3:F0},");
        json.Append(inv, $"\"{prefix}warmup_lost_ms\":{(total - times.Count * steadyEpoch) * 1e3:F0},\"{prefix}total_ms\":{total * 1e3:F0},");
        json.Append(inv, $"\"{prefix}steady_samples_per_s\":{samples / steadyEpoch:F0},");
    }

    // Wall time and the process's CPU time (every thread: the JIT's background compiler too) per epoch. CPU time is the
    // figure to compare on a shared machine: other processes' load stretches wall time but not (much) the CPU time used.
    private sealed class EpochClock(int epochs) : Callback
    {
        private readonly Process _self = Process.GetCurrentProcess();
        private long _wall;
        private TimeSpan _cpu;
        public List<double> Wall { get; } = new(epochs);
        public List<double> Cpu { get; } = new(epochs);

        public void Start()
        {
            _self.Refresh();
            _cpu = _self.TotalProcessorTime;
            _wall = Stopwatch.GetTimestamp();
        }

        public override void OnEpochEnd(TrainingContext context, EpochResult result)
        {
            long now = Stopwatch.GetTimestamp();
            _self.Refresh();
            var cpu = _self.TotalProcessorTime;
            Wall.Add((double)(now - _wall) / Stopwatch.Frequency);
            Cpu.Add((cpu - _cpu).TotalSeconds);
            _wall = now;
            _cpu = cpu;
        }
    }
}
