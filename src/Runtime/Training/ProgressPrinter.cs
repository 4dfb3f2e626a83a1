using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace Axon.Training;

/// <summary>
/// Console output of <see cref="Trainer.Fit"/>. Lines are composed in one reusable char buffer
/// and the bar is redrawn at most every <see cref="BarInterval"/>, so printing adds no per-batch
/// allocation and no measurable time to a training step.
/// </summary>
internal sealed class ProgressPrinter
{
    private static readonly long BarInterval = Stopwatch.Frequency / 10;
    private const int BarWidth = 20;

    private readonly TextWriter _writer;
    private readonly bool _bar;
    private readonly int _epochs;
    private readonly int _batches;
    private readonly char[] _buffer = new char[256];
    private int _length;
    private int _previousBarLength;
    private long _lastDraw;
    private int _epoch;

    public ProgressPrinter(TextWriter writer, bool bar, int epochs, int batches)
    {
        _writer = writer;
        _bar = bar;
        _epochs = epochs;
        _batches = batches;
    }

    public static ProgressPrinter? Create(FitOptions options, int batches)
    {
        var mode = options.Progress;
        if (mode == ProgressMode.None) return null;
        var writer = options.Output ?? Console.Out;
        if (mode == ProgressMode.Auto)
            mode = options.Output is null && !Console.IsOutputRedirected ? ProgressMode.Bar : ProgressMode.Lines;
        return new ProgressPrinter(writer, mode == ProgressMode.Bar, options.Epochs, batches);
    }

    public void BeginEpoch(int epoch)
    {
        _epoch = epoch;
        _lastDraw = 0;
        _previousBarLength = 0;
    }

    public void Batch(int batchesDone, int samplesDone, double runningLoss, long epochStart)
    {
        if (!_bar) return;
        long now = Stopwatch.GetTimestamp();
        if (batchesDone < _batches && now - _lastDraw < BarInterval) return;
        _lastDraw = now;

        _length = 0;
        Append('\r');
        AppendEpoch();
        Append(" [");
        int filled = (int)((long)batchesDone * BarWidth / _batches);
        for (int i = 0; i < BarWidth; i++) Append(i < filled ? '=' : i == filled ? '>' : ' ');
        Append("] ");
        Append(batchesDone);
        Append('/');
        Append(_batches);
        Append("  loss ");
        Append(runningLoss, "F4");
        double seconds = Stopwatch.GetElapsedTime(epochStart, now).TotalSeconds;
        if (seconds > 0)
        {
            Append("  ");
            Append(samplesDone / seconds, "F0");
            Append(" samples/s");
        }
        int visible = _length - 1;
        // Blank out what a longer previous draw left behind, or the tail would stay on screen.
        for (int i = visible; i < _previousBarLength; i++) Append(' ');
        _previousBarLength = visible;
        _writer.Write(_buffer, 0, _length);
        _writer.Flush();
    }

    public void EndEpoch(in EpochResult r)
    {
        _length = 0;
        if (_bar) Append('\r');
        AppendEpoch();
        Append("  loss ");
        Append(r.TrainLoss, "F4");
        if (!double.IsNaN(r.TrainAccuracy)) { Append("  acc "); Append(r.TrainAccuracy, "F4"); }
        if (!double.IsNaN(r.TrainMeanAbsoluteError)) { Append("  mae "); Append(r.TrainMeanAbsoluteError, "G4"); }
        if (!double.IsNaN(r.ValidationLoss)) { Append("  val_loss "); Append(r.ValidationLoss, "F4"); }
        if (!double.IsNaN(r.ValidationAccuracy)) { Append("  val_acc "); Append(r.ValidationAccuracy, "F4"); }
        if (!double.IsNaN(r.ValidationMeanAbsoluteError)) { Append("  val_mae "); Append(r.ValidationMeanAbsoluteError, "G4"); }
        Append("  ");
        Append(r.Seconds, "F2");
        Append(" s  ");
        Append(r.SamplesPerSecond, "F0");
        Append(" samples/s");
        if (_bar)
        {
            int visible = _length - 1;
            for (int i = visible; i < _previousBarLength; i++) Append(' ');
        }
        _writer.Write(_buffer, 0, _length);
        _writer.WriteLine();
        _writer.Flush();
    }

    private void AppendEpoch()
    {
        Append("Epoch ");
        Append(_epoch);
        Append('/');
        Append(_epochs);
    }

    private void Append(char c)
    {
        if (_length < _buffer.Length) _buffer[_length++] = c;
    }

    private void Append(ReadOnlySpan<char> text)
    {
        int n = Math.Min(text.Length, _buffer.Length - _length);
        text[..n].CopyTo(_buffer.AsSpan(_length));
        _length += n;
    }

    private void Append(int value)
    {
        if (value.TryFormat(_buffer.AsSpan(_length), out int written, default, CultureInfo.InvariantCulture))
            _length += written;
    }

    private void Append(double value, ReadOnlySpan<char> format)
    {
        if (value.TryFormat(_buffer.AsSpan(_length), out int written, format, CultureInfo.InvariantCulture))
            _length += written;
    }
}
