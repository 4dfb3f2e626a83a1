using System;
using System.IO;
using System.Linq;
using Axon.Serialization;
using Xunit;

namespace Axon.Integration.Tests;

public class BadInputTests
{
    private static float[] Inputs(int n)
    {
        var rng = new Rng(4);
        var x = new float[n * FashionMlp.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
        return x;
    }

    [Fact]
    public void WrongInputLength_NamesExpectedAndGiven_AndChangesNothing()
    {
        var model = new FashionMlp();
        var before = model.Parameters.ToArray();
        var ex = Assert.Throws<ArgumentException>(() => model.TrainStep(new float[700], [1]));
        Assert.Contains("700", ex.Message);
        Assert.Contains("784", ex.Message);
        Assert.Contains("FashionMlp", ex.Message);
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Throws<ArgumentException>(() => model.Predict(new float[784], new float[9]));
    }

    [Fact]
    public void NaNInput_IsRejected_AndChangesNothing()
    {
        var model = new FashionMlp();
        var x = Inputs(2);
        x[900] = float.NaN;
        var before = model.Parameters.ToArray();
        var ex = Assert.Throws<ArgumentException>(() => model.TrainStep(x, [0, 1]));
        Assert.Contains("inputs[900]", ex.Message);
        Assert.Contains("NaN", ex.Message);
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Equal(0, model.Optimizer.StepCount);
    }

    [Fact]
    public void LabelOutOfRange_And_BatchTooLarge_AreRejected()
    {
        var model = new FashionMlp(maxBatchSize: 4);
        var ex = Assert.Throws<ArgumentException>(() => model.TrainStep(Inputs(2), [0, 10]));
        Assert.Contains("labels[1] is 10", ex.Message);
        var big = Assert.Throws<ArgumentException>(() => model.TrainStep(Inputs(5), [0, 1, 2, 3, 4]));
        Assert.Contains("5", big.Message);
        Assert.Contains("4", big.Message);
        // Evaluation and prediction split large inputs into batches instead.
        Assert.Equal(5, model.Evaluate(Inputs(5), [0, 1, 2, 3, 4]).Count);
        Assert.Throws<ArgumentException>(() => new BinaryModel().TrainStep(new float[3], [1.5f]));
    }

    [Fact]
    public void SaveLoad_RoundTrips_AndPredictsTheSame()
    {
        var path = Path.Combine(Path.GetTempPath(), $"axon-{Guid.NewGuid():N}.safetensors");
        try
        {
            var a = new FashionMlp(seed: 1);
            a.Save(path);
            var b = new FashionMlp(seed: 2);
            Assert.NotEqual(a.Parameters.ToArray(), b.Parameters.ToArray());
            b.Load(path);
            Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
            var x = Inputs(3);
            var ya = new float[30]; var yb = new float[30];
            a.Predict(x, ya); b.Predict(x, yb);
            Assert.Equal(ya, yb);
            var header = SafeTensors.ReadHeader(path);
            Assert.Contains(header.Tensors, t => t.Name == "hidden.weight" && t.Shape.SequenceEqual(new long[] { 128, 784 }));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void LoadingTruncatedOrMisShapedFile_Throws_AndLeavesModelUnchanged()
    {
        var path = Path.Combine(Path.GetTempPath(), $"axon-{Guid.NewGuid():N}.safetensors");
        try
        {
            new FashionMlp(seed: 1).Save(path);
            var model = new FashionMlp(seed: 2);
            var before = model.Parameters.ToArray();

            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
            Assert.Throws<SafeTensorsException>(() => model.Load(path));
            Assert.Equal(before, model.Parameters.ToArray());

            new ActivationZoo().Save(path);
            var ex = Assert.Throws<SafeTensorsException>(() => model.Load(path));
            Assert.Contains("hidden.weight", ex.Message);
            Assert.Equal(before, model.Parameters.ToArray());
        }
        finally { File.Delete(path); }
    }
}
