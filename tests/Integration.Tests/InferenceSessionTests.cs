using Axon.Optimizers;
using Axon.Testing;
using System;
using System.Linq;
using System.Threading;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>
/// One model instance runs one call at a time (its activations live in one workspace): a second thread entering it
/// throws instead of silently corrupting outputs or weights. Inference sessions share the weights without copying them
/// and predict concurrently, bitwise as one instance does serially.
/// </summary>
public class InferenceSessionTests
{
    /// <summary>Plain SGD whose update can block (to hold a TrainStep inside the model) or call back into the model.</summary>
    private sealed class HookedSgd(float learningRate) : Optimizer(learningRate)
    {
        public ManualResetEventSlim Entered { get; } = new();
        public ManualResetEventSlim Release { get; } = new(initialState: true);
        public Action? OnUpdate { get; set; }

        protected override int StateSlots => 0;

        protected override void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> s0, Span<float> s1, float learningRate, long step)
        {
            OnUpdate?.Invoke();
            Entered.Set();
            Release.Wait();
            for (int i = 0; i < p.Length; i++) p[i] -= learningRate * g[i];
        }
    }

    private static (float[] X, int[] Labels) Data(int n, int seed)
    {
        var rng = new Rng(seed);
        var x = new float[n * FashionMlp.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
        return (x, Enumerable.Range(0, n).Select(i => i % 10).ToArray());
    }

    [Fact]
    public void SessionsOnFourThreads_PredictBitwiseAsOneInstanceSerially()
    {
        var model = new FashionMlp(maxBatchSize: 32, seed: 4);
        var (x, labels) = Data(96, 1);
        model.TrainStep(x.AsSpan(0, 32 * FashionMlp.InputSize), labels.AsSpan(0, 32));
        var serial = new float[96 * FashionMlp.OutputSize];
        model.Predict(x, serial);
        var serialClasses = Enumerable.Range(0, 96).Select(i => model.Classify(x.AsSpan(i * FashionMlp.InputSize, FashionMlp.InputSize))).ToArray();

        var results = new float[4][];
        var classes = new int[4][];
        var failures = new Exception?[4];
        using var start = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            try
            {
                // All four create their session at the same moment, as "give each thread its own session" reads (once a race
                // that made all but one fail as concurrent calls); ragged batches: the batching loop differs per thread.
                start.SignalAndWait();
                var session = model.CreateInferenceSession(maxBatchSize: 8 + t);
                var outputs = new float[96 * FashionMlp.OutputSize];
                var got = new int[96];
                for (int repeat = 0; repeat < 20; repeat++)
                {
                    session.Predict(x, outputs);
                    for (int i = 0; i < 96; i++) got[i] = session.Classify(x.AsSpan(i * FashionMlp.InputSize, FashionMlp.InputSize));
                }
                results[t] = outputs;
                classes[t] = got;
            }
            catch (Exception e) { failures[t] = e; }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.All(failures, f => Assert.Null(f));
        for (int t = 0; t < 4; t++)
        {
            Assert.Equal(serial, results[t]);
            Assert.Equal(serialClasses, classes[t]);
        }
    }

    [Fact]
    public void SecondThreadOnOneInstance_ThrowsNamingBothCalls_AndChangesNothing()
    {
        var optimizer = new HookedSgd(0.1f);
        var model = new FashionMlp(maxBatchSize: 16, optimizer: optimizer);
        var (x, labels) = Data(16, 2);
        optimizer.Release.Reset();
        var training = new Thread(() => model.TrainStep(x, labels)) { IsBackground = true };
        training.Start();
        Assert.True(optimizer.Entered.Wait(TimeSpan.FromSeconds(30)));   // TrainStep is now inside the model, in its update

        var outputs = new float[16 * FashionMlp.OutputSize];
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => model.Predict(x, outputs));
            Assert.Contains("FashionMlp.Predict", e.Message);
            Assert.Contains("FashionMlp.TrainStep", e.Message);
            Assert.Contains("CreateInferenceSession", e.Message);
            Assert.Throws<InvalidOperationException>(() => model.Evaluate(x, labels));
            Assert.Throws<InvalidOperationException>(() => model.TrainStep(x, labels));
        }
        finally
        {
            optimizer.Release.Set();
            training.Join();
        }
        // The guard was released: the same instance works again, from any thread, one call at a time.
        var before = model.Parameters.ToArray();
        model.Predict(x, outputs);
        Assert.Equal(before, model.Parameters.ToArray());
        model.TrainStep(x, labels);
        Assert.NotEqual(before, model.Parameters.ToArray());
    }

    [Fact]
    public void SessionPredictWhileTheModelTrains_Throws()
    {
        var optimizer = new HookedSgd(0.1f);
        var model = new FashionMlp(maxBatchSize: 16, optimizer: optimizer);
        var session = model.CreateInferenceSession();
        var (x, labels) = Data(16, 3);
        optimizer.Release.Reset();
        var training = new Thread(() => model.TrainStep(x, labels)) { IsBackground = true };
        training.Start();
        Assert.True(optimizer.Entered.Wait(TimeSpan.FromSeconds(30)));

        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => session.Predict(x, new float[16 * FashionMlp.OutputSize]));
            Assert.Contains("changing them", e.Message);
        }
        finally
        {
            optimizer.Release.Set();
            training.Join();
        }
        session.Predict(x, new float[16 * FashionMlp.OutputSize]);   // once training stopped, the session predicts again
    }

    [Fact]
    public void CallsNestedOnTheSameThread_Pass()
    {
        var optimizer = new HookedSgd(0.1f);
        var model = new FashionMlp(maxBatchSize: 16, optimizer: optimizer);
        var (x, labels) = Data(16, 4);
        int nested = 0;
        optimizer.OnUpdate = () => nested = model.Classify(x.AsSpan(0, FashionMlp.InputSize)) + 1;
        model.TrainStep(x, labels);
        Assert.InRange(nested, 1, FashionMlp.OutputSize);
    }

    [Fact]
    public void Session_SharesWeights_AndRefusesToChangeThem()
    {
        var model = new FashionMlp(maxBatchSize: 16, seed: 5);
        var session = model.CreateInferenceSession(maxBatchSize: 4);
        var (x, labels) = Data(16, 5);
        Assert.True(session.IsInferenceSession);
        Assert.False(model.IsInferenceSession);
        Assert.Equal(4, session.MaxBatchSize);

        model.TrainStep(x, labels);   // the session sees the new weights at once: no copy
        var fromModel = new float[16 * FashionMlp.OutputSize];
        var fromSession = new float[16 * FashionMlp.OutputSize];
        model.Predict(x, fromModel);
        session.Predict(x, fromSession);
        Assert.Equal(fromModel, fromSession);
        var (m, t) = (model.Evaluate(x, labels), session.Evaluate(x, labels));
        Assert.Equal(m.Accuracy, t.Accuracy);
        Assert.Equal(m.Loss, t.Loss, 1e-5);   // summed in batches of 16 and of 4: the order of the float sums differs

        var before = model.Parameters.ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => session.TrainStep(x.AsSpan(0, 4 * FashionMlp.InputSize), labels.AsSpan(0, 4)));
        Assert.Contains("inference session", e.Message);
        Assert.Throws<InvalidOperationException>(() => session.Initialize(1));
        Assert.Throws<InvalidOperationException>(() => session.Load("unused.safetensors"));
        Assert.Throws<InvalidOperationException>(() => session.Forward(x.AsSpan(0, FashionMlp.InputSize), new float[FashionMlp.OutputSize], training: true));
        Assert.Equal(before, model.Parameters.ToArray());

        // Input gradients change no weights, so sessions compute them too (attacks from many threads).
        var g1 = new float[x.Length];
        var g2 = new float[x.Length];
        model.InputGradient(x, labels, g1);
        session.InputGradient(x, labels, g2);
        Assert.Equal(g1, g2);
    }

    [Fact]
    public void SessionPredict_AllocatesNothingAfterWarmUp()
    {
        var model = new FashionMlp(maxBatchSize: 32);
        var session = model.CreateInferenceSession();
        var (x, _) = Data(32, 6);
        var outputs = new float[32 * FashionMlp.OutputSize];
        session.Predict(x, outputs);
        session.Classify(x.AsSpan(0, FashionMlp.InputSize));
        Assert.Equal(0, Allocations.Least(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                session.Predict(x, outputs);
                session.Classify(x.AsSpan(0, FashionMlp.InputSize));
            }
        }));
    }
}
