using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Axon.TorchSharpPeer;

/// <summary>
/// LibTorch's side of <c>Axon.Benchmarks recurrent</c> (issue 15): nn.LSTM or nn.GRU (batch_first, 4 features,
/// hidden 64) over 30 steps and nn.Linear(64, 1) on the last step, Adam lr 1e-3, MSE, on the same sequence pool
/// in the same batch order (SequenceData in tests/Benchmarks/Recurrent.cs: windows of four sines); warm-up, timed
/// loops, median samples/s; then one-sequence prediction under no_grad in eval mode. Flush-to-zero off and on, the
/// better reported, as for the MLPs.
/// </summary>
internal static class RecurrentPeer
{
    private const int Steps = 30, Features = 4, Units = 64, ConvFilters = 32, Pool = 4096;

    public static bool Handles(string? model) => model is "lstm-t30-f4-h64" or "gru-t30-f4-h64" or "conv1d-t30-f4-c32";

    public static int Run(string model, int batch, int threads, double seconds, int repetitions, string flush, Action<bool> setFlush)
    {
        torch.set_num_threads(threads);
        torch.set_num_interop_threads(1);
        var (inputs, targets) = Sines();
        var results = new List<(bool Flush, double Train, double Predict)>();
        foreach (bool on in flush switch { "on" => new[] { true }, "off" => new[] { false }, _ => new[] { false, true } })
        {
            setFlush(on);
            var (train, predict) = Measure(model.Split('-')[0], inputs, targets, batch, seconds, repetitions);
            results.Add((on, train, predict));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"libtorch flush_denormal={on}: {train:F1} samples/s, predict {predict:F2} µs"));
        }
        setFlush(false);
        var bestTrain = results.MaxBy(r => r.Train);
        var bestPredict = results.MinBy(r => r.Predict);
        var inv = CultureInfo.InvariantCulture;
        var json = new StringBuilder("{");
        json.Append(inv, $"\"model\":\"{model}\",\"batch\":{batch},\"threads\":{threads},");
        json.Append(inv, $"\"train_samples_per_s\":{bestTrain.Train:F1},\"predict_us_b1\":{bestPredict.Predict:F2},");
        json.Append(inv, $"\"train_flush_denormal\":{(bestTrain.Flush ? "true" : "false")},");
        json.Append("\"engine\":\"libtorch\",\"torch\":\"LibTorch 2.10.0 (TorchSharp-cpu 0.107.0)\",");
        json.Append(inv, $"\"data\":\"sines ({Pool} windows of {Steps} steps x {Features} features)\"}}");
        Console.WriteLine(json.ToString());
        return 0;
    }

    private static (float[] Inputs, float[] Targets) Sines()
    {
        var inputs = new float[Pool * Steps * Features];
        var targets = new float[Pool];
        static double V(int f, int k) => Math.Sin(0.07 * (f + 1) * k + f);
        for (int s = 0; s < Pool; s++)
        {
            for (int t = 0; t < Steps; t++)
                for (int f = 0; f < Features; f++)
                    inputs[(s * Steps + t) * Features + f] = (float)V(f, s + t);
            targets[s] = (float)V(0, s + Steps);
        }
        return (inputs, targets);
    }

    // kind: "lstm", "gru" or "conv1d" (nn.Conv1d(4, 32, 5, padding 2) + ReLU over [B, F, T], the mean over steps, nn.Linear(32, 1)).
    private static (double Train, double Predict) Measure(string kind, float[] inputs, float[] targets, int batch, double seconds, int repetitions)
    {
        torch.manual_seed(1234);
        using var lstmLayer = kind == "lstm" ? nn.LSTM(Features, Units, batchFirst: true) : null;
        using var gruLayer = kind == "gru" ? nn.GRU(Features, Units, batchFirst: true) : null;
        using var convLayer = kind == "conv1d" ? nn.Conv1d(Features, ConvFilters, 5, padding: 2) : null;
        using var head = nn.Linear(kind == "conv1d" ? ConvFilters : Units, 1);
        nn.Module body = (nn.Module?)lstmLayer ?? (nn.Module?)gruLayer ?? convLayer!;
        var parameters = body.parameters().Concat(head.parameters()).ToList();
        using var optimizer = optim.Adam(parameters, lr: 1e-3);
        using var criterion = nn.MSELoss();
        Tensor Forward(Tensor x)
        {
            if (convLayer is not null) return head.forward(nn.functional.relu(convLayer.forward(x.transpose(1, 2))).mean(new long[] { 2 }));
            var y = lstmLayer is not null ? lstmLayer.forward(x).Item1 : gruLayer!.forward(x).Item1;
            return head.forward(y.select(1, -1));
        }

        int batches = Pool / batch, size = Steps * Features;
        var xs = new Tensor[batches];
        var ys = new Tensor[batches];
        for (int b = 0; b < batches; b++)
        {
            xs[b] = torch.tensor(inputs.AsSpan(b * batch * size, batch * size).ToArray(), new long[] { batch, Steps, Features });
            ys[b] = torch.tensor(targets.AsSpan(b * batch, batch).ToArray(), new long[] { batch, 1 });
        }
        int step = 0;
        void TrainStep()
        {
            int k = step++ % batches;
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            criterion.forward(Forward(xs[k]), ys[k]).backward();
            optimizer.step();
        }
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 1.0 || step < 100) TrainStep();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var rates = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp(), deadline = start + (long)(seconds * Stopwatch.Frequency), now;
            int steps = 0;
            do
            {
                TrainStep();
                steps++;
                now = Stopwatch.GetTimestamp();
            }
            while (now < deadline);
            rates[r] = (double)steps * batch * Stopwatch.Frequency / (now - start);
        }

        body.eval();
        var ones = new Tensor[256];
        for (int i = 0; i < ones.Length; i++) ones[i] = torch.tensor(inputs.AsSpan(i * size, size).ToArray(), new long[] { 1, Steps, Features });
        var times = new List<double>(20000);
        using (torch.no_grad())
        {
            for (int i = 0; i < 500; i++)
                using (torch.NewDisposeScope()) Forward(ones[i % ones.Length]);
            long budget = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            for (int i = 0; i < 20000 && (i < 500 || Stopwatch.GetTimestamp() < budget); i++)
            {
                var x = ones[i % ones.Length];
                long t0 = Stopwatch.GetTimestamp();
                using (torch.NewDisposeScope()) Forward(x);
                times.Add((Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency);
            }
        }
        foreach (var t in xs.Concat(ys).Concat(ones)) t.Dispose();
        Array.Sort(rates);
        var sorted = times.ToArray();
        Array.Sort(sorted);
        return (rates[rates.Length / 2], sorted[sorted.Length / 2]);
    }
}
