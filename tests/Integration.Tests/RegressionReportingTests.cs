using System;
using System.IO;
using System.Linq;
using Axon.Data;
using Axon.Metrics;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>One output, mean squared error: a regression, which has no accuracy.</summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 16)]
[Input(3)]
[Adam(LearningRate = 0.01f)]
public partial class ScalarRegressor
{
    [Dense(8, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(1)] public partial Layer Value { get; }
}

/// <summary>
/// A regression reports loss and mean absolute error, never an accuracy: not in <c>Evaluate</c>, not in the history, not in a
/// progress line (issue 15 item 5; before, a single-output MSE model reported "output &gt; 0.5 against target ≥ 0.5").
/// </summary>
public class RegressionReportingTests
{
    private static Dataset Data(int count, int seed)
    {
        var rng = new Rng(seed);
        var x = new float[count * 3];
        var t = new float[count];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < 3; j++) x[i * 3 + j] = rng.NextSingle() * 2 - 1;
            t[i] = 3 * x[i * 3] - x[i * 3 + 1] + 0.5f;   // values well outside [0, 1], where "> 0.5" once decided the accuracy
        }
        return Dataset.FromRegression(x, t, 3);
    }

    [Fact]
    public void Evaluate_SingleOutputRegression_ReportsMaeOfThePredictions_AndNoAccuracy()
    {
        var model = new ScalarRegressor(seed: 3);
        var data = Data(37, 1);   // not a multiple of MaxBatchSize: the last batch is partial
        var predictions = new float[data.Count];
        model.Predict(data.Features, predictions);
        double expected = predictions.Select((p, i) => Math.Abs((double)p - data.Targets![i])).Sum() / data.Count;

        Assert.False(((IModel)model).HasAccuracy);
        var typed = model.Evaluate(data.Features, data.Targets);
        var trainer = Trainer.Evaluate(model, data);
        Assert.True(double.IsNaN(typed.Accuracy));
        Assert.True(double.IsNaN(trainer.Accuracy));
        Assert.Equal(expected, typed.MeanAbsoluteError, 6);
        Assert.Equal(expected, trainer.MeanAbsoluteError, 6);
        Assert.Equal(RegressionMetrics.MeanSquaredError(predictions, data.Targets), trainer.Loss, 5);
    }

    [Fact]
    public void Evaluate_Classifier_HasNoMae()
    {
        var model = new XorNet();
        var data = Dataset.FromBinary(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, new float[] { 0, 1, 1, 0 }, 2);
        var e = Trainer.Evaluate(model, data);
        Assert.True(double.IsNaN(e.MeanAbsoluteError));
        Assert.False(double.IsNaN(e.Accuracy));
    }

    [Fact]
    public void EarlyStopping_OnValidationMae_TracksTheBestEpoch_AndAClassifierCannotMonitorIt()
    {
        var model = new ScalarRegressor(seed: 1);
        var stopping = new EarlyStopping(Monitor.ValidationMeanAbsoluteError, patience: 100);
        var history = model.Fit(Data(64, 2), new FitOptions { Epochs = 6, Validation = Data(20, 5), Callbacks = [stopping], Progress = ProgressMode.None });
        Assert.Equal(history.Min(e => e.ValidationMeanAbsoluteError), stopping.BestValue);
        Assert.Equal(history.MinBy(e => e.ValidationMeanAbsoluteError).Epoch, stopping.BestEpoch);

        var classifier = new XorNet();
        var data = Dataset.FromBinary(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, new float[] { 0, 1, 1, 0 }, 2);
        var e = Assert.Throws<ArgumentException>(() => classifier.Fit(data, new FitOptions
        {
            Validation = data, Callbacks = [new EarlyStopping(Monitor.ValidationMeanAbsoluteError)], Progress = ProgressMode.None,
        }));
        Assert.Contains("is not a regression", e.Message);
        var accuracy = Assert.Throws<ArgumentException>(() => model.Fit(Data(8, 1), new FitOptions
        {
            Callbacks = [new EarlyStopping(Monitor.TrainAccuracy)], Progress = ProgressMode.None,
        }));
        Assert.Contains("has no accuracy; monitor a loss or the mean absolute error", accuracy.Message);
    }

    [Fact]
    public void Fit_Regression_RunningMaeIsEachBatchBeforeItsUpdate_AndLinesShowMaeNotAcc()
    {
        var train = Data(64, 2);
        var validation = Data(20, 5);
        var output = new StringWriter();
        var fitted = new ScalarRegressor(seed: 4);
        var history = fitted.Fit(train, new FitOptions
        {
            Epochs = 2, BatchSize = 16, Shuffle = false, Validation = validation, Progress = ProgressMode.Lines, Output = output,
        });

        // The same steps by hand: no dropout or BatchNorm, so Predict right before TrainStep sees the outputs the step's forward sees.
        var manual = new ScalarRegressor(seed: 4);
        var p = new float[16];
        for (int epoch = 0; epoch < 2; epoch++)
        {
            double sum = 0;
            for (int start = 0; start < train.Count; start += 16)
            {
                var xb = train.Features.AsSpan(start * 3, 16 * 3);
                var tb = train.Targets.AsSpan(start, 16);
                manual.Predict(xb, p);
                sum += RegressionMetrics.AbsoluteErrorSum(p, tb);
                manual.TrainStep(xb, tb);
            }
            Assert.Equal(sum / train.Count, history[epoch].TrainMeanAbsoluteError, 6);
            Assert.True(double.IsNaN(history[epoch].TrainAccuracy));
            Assert.True(double.IsNaN(history[epoch].ValidationAccuracy));
        }
        Assert.Equal(manual.Evaluate(validation.Features, validation.Targets).MeanAbsoluteError, history[1].ValidationMeanAbsoluteError, 6);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            Assert.Contains("  mae ", line);
            Assert.Contains("  val_mae ", line);
            Assert.DoesNotContain("acc", line);
        }
        var csv = history.ToCsv().Split('\n');
        Assert.EndsWith(",train_mae,validation_mae", csv[0]);
        Assert.Equal(history[0].ValidationMeanAbsoluteError,
            double.Parse(csv[1].Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
