using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Axon.Data;
using Axon.Optimizers;
using Axon.Serialization;
using Axon.Testing;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>
/// [Lstm] and [Gru] in generated models: PyTorch's weights (tools/pytorch/make_recurrent_reference.py) load and predict
/// torch's outputs, and what Axon saves is torch's tensors under torch's names; gradients through stacked layers match
/// finite differences; a stack with dropout between learns; clipping by global norm bounds a recurrent update; training
/// allocates nothing and gives the same bits on 1 and 2 threads.
/// </summary>
public class RecurrentTests
{
    private static string Reference(string name) => Path.Combine(AppContext.BaseDirectory, "Reference", name);

    private static float[] Floats(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    [Fact]
    public void TorchsWeights_LoadAndPredictTorchsOutputs()
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Reference("recurrent_model.json")));
        var model = new TorchTwinRecurrent(seed: 1);
        var before = model.Parameters.ToArray();
        model.Load(Reference("recurrent.safetensors"));
        Assert.NotEqual(before, model.Parameters.ToArray());

        float[] inputs = Floats(json.RootElement, "inputs"), expected = Floats(json.RootElement, "outputs");
        var outputs = new float[expected.Length];
        model.Predict(inputs, outputs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(outputs[i] - expected[i]) <= 1e-5f * Math.Max(1f, Math.Abs(expected[i])), $"output {i}: Axon {outputs[i]:R}, torch {expected[i]:R}");
    }

    [Fact]
    public void Save_WritesTorchsNamesShapesAndValues()
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Reference("recurrent_model.json")));
        var model = new TorchTwinRecurrent();
        model.Load(Reference("recurrent.safetensors"));
        string path = Path.Combine(Path.GetTempPath(), $"axon-recurrent-{Guid.NewGuid():N}.safetensors");
        try
        {
            model.Save(path);
            var saved = SafeTensors.ReadHeader(path).Tensors.ToDictionary(t => t.Name);
            var torch = SafeTensors.ReadHeader(Reference("recurrent.safetensors")).Tensors.ToDictionary(t => t.Name);
            Assert.Equal(torch.Keys.OrderBy(k => k), saved.Keys.OrderBy(k => k));
            foreach (var (name, shape) in json.RootElement.GetProperty("tensors").EnumerateObject().Select(p => (p.Name, p.Value.EnumerateArray().Select(v => v.GetInt64()).ToArray())))
                Assert.Equal(shape, saved[name].Shape.Select(d => (long)d).ToArray());
            byte[] a = File.ReadAllBytes(path), b = File.ReadAllBytes(Reference("recurrent.safetensors"));
            var ha = SafeTensors.ReadHeader(path);
            var hb = SafeTensors.ReadHeader(Reference("recurrent.safetensors"));
            foreach (var name in torch.Keys)
            {
                var x = saved[name];
                var y = torch[name];
                Assert.True(a.AsSpan((int)(ha.DataStart + x.Begin), (int)(x.End - x.Begin)).SequenceEqual(b.AsSpan((int)(hb.DataStart + y.Begin), (int)(y.End - y.Begin))), $"{name} differs");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void StackedRecurrentGradients_MatchFiniteDifferences()
    {
        var model = new RecurrentGradientNet(seed: 3);
        var rng = new Rng(5);
        var x = new float[3 * RecurrentGradientNet.InputSize];
        var t = new float[3 * RecurrentGradientNet.OutputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextUniform(-1.5f, 1.5f);
        for (int i = 0; i < t.Length; i++) t[i] = rng.NextUniform(-1f, 1f);
        model.ComputeGradients(x, t);
        var analytic = model.Gradients.ToArray();
        var p = model.Parameters;
        const float h = 1e-2f;
        for (int i = 0; i < (int)RecurrentGradientNet.ParameterCount; i++)
        {
            float saved = p[i];
            p[i] = saved + h;
            double plus = model.ComputeLoss(x, t);
            p[i] = saved - h;
            double minus = model.ComputeLoss(x, t);
            p[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-2 * Math.Abs(numeric) + 2e-4, $"parameter {i}: finite difference {numeric:G6}, backward {analytic[i]:G6}");
        }
    }

    /// <summary>Windows of a two-feature series (sin, cos of a slow phase) whose target is the next step's sine.</summary>
    private static Dataset Waves(int count, int seed)
    {
        var rng = new Rng(seed);
        var x = new float[count * SequenceRegressor.InputSize];
        var y = new float[count];
        for (int s = 0; s < count; s++)
        {
            float phase = rng.NextUniform(0f, 6.3f), speed = rng.NextUniform(0.2f, 0.6f);
            for (int t = 0; t < 12; t++)
            {
                x[(s * 12 + t) * 2] = MathF.Sin(phase + speed * t);
                x[(s * 12 + t) * 2 + 1] = MathF.Cos(phase + speed * t);
            }
            y[s] = MathF.Sin(phase + speed * 12);
        }
        return Dataset.FromRegression(x, y, SequenceRegressor.InputSize);
    }

    [Fact]
    public void StackedGruDropoutLstm_LearnsTheNextStepOfAWave()
    {
        var train = Waves(256, 1);
        var test = Waves(64, 2);
        var model = new SequenceRegressor();
        double before = model.Evaluate(test).Loss;
        model.Fit(train, new FitOptions { Epochs = 25, BatchSize = 16, Progress = ProgressMode.None });
        double after = model.Evaluate(test).Loss;
        Assert.True(after < before / 10 && after < 0.03, $"test MSE {before:G3} before training, {after:G3} after");
    }

    [Fact]
    public void GradientClipNorm_BoundsARecurrentUpdate()
    {
        var data = Waves(16, 3);
        var model = new SequenceRegressor(optimizer: new Sgd(1f));
        var before = model.Parameters.ToArray();
        model.Fit(data, new FitOptions { BatchSize = 16, Shuffle = false, GradientClipNorm = 0.05f, Progress = ProgressMode.None });
        double squares = 0;
        var after = model.Parameters;
        for (int i = 0; i < before.Length; i++) squares += (double)(after[i] - before[i]) * (after[i] - before[i]);
        Assert.InRange(Math.Sqrt(squares), 0.049, 0.0501);
    }

    [Fact]
    public void TrainStep_IsTheSameBitsOnOneAndTwoThreads_AndAllocatesNothing()
    {
        var data = Waves(32, 4);
        float[] Train(int threads)
        {
            var model = new SequenceRegressor { Threads = threads };
            for (int i = 0; i < 3; i++) model.TrainStep(data.Features, data.Targets!);
            var parameters = model.Parameters.ToArray();
            var output = new float[SequenceRegressor.OutputSize];
            Assert.Equal(0, Allocations.Least(() =>
            {
                for (int i = 0; i < 20; i++) model.TrainStep(data.Features, data.Targets!);
                for (int i = 0; i < 100; i++) model.Predict(data.Features.AsSpan(0, SequenceRegressor.InputSize), output);
            }));
            return parameters;
        }
        Assert.Equal(Train(1), Train(2));
    }
}
