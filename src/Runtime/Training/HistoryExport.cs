using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Axon.Training;

/// <summary>CSV and JSON forms of a <see cref="History"/>, shared by <see cref="History"/> and checkpoints.</summary>
internal static class HistoryExport
{
    public const string CsvHeader = "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,learning_rate,seconds,samples_per_second,skipped_batches,train_mae,validation_mae";

    public static string Csv(IReadOnlyList<EpochResult> epochs)
    {
        var sb = new StringBuilder(CsvHeader).Append('\n');
        foreach (var e in epochs)
            sb.Append(e.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(Number(e.TrainLoss)).Append(',').Append(Number(e.TrainAccuracy)).Append(',')
              .Append(Number(e.ValidationLoss)).Append(',').Append(Number(e.ValidationAccuracy)).Append(',')
              .Append(Number(e.LearningRate)).Append(',').Append(Number(e.Seconds)).Append(',')
              .Append(Number(e.SamplesPerSecond)).Append(',').Append(e.SkippedBatches.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(Number(e.TrainMeanAbsoluteError)).Append(',').Append(Number(e.ValidationMeanAbsoluteError)).Append('\n');
        return sb.ToString();
    }

    // Empty CSV fields and JSON nulls stand for NaN (no validation, no accuracy): neither format has a standard NaN.
    private static string Number(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    public static string Json(IReadOnlyList<EpochResult> epochs, bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartArray();
            foreach (var e in epochs)
            {
                w.WriteStartObject();
                w.WriteNumber("epoch", e.Epoch);
                Write(w, "train_loss", e.TrainLoss);
                Write(w, "train_accuracy", e.TrainAccuracy);
                Write(w, "validation_loss", e.ValidationLoss);
                Write(w, "validation_accuracy", e.ValidationAccuracy);
                Write(w, "learning_rate", e.LearningRate);
                Write(w, "seconds", e.Seconds);
                Write(w, "samples_per_second", e.SamplesPerSecond);
                w.WriteNumber("skipped_batches", e.SkippedBatches);
                Write(w, "train_mae", e.TrainMeanAbsoluteError);
                Write(w, "validation_mae", e.ValidationMeanAbsoluteError);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    public static List<EpochResult> ParseJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var list = new List<EpochResult>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            list.Add(new EpochResult(
                e.GetProperty("epoch").GetInt32(), Read(e, "train_loss"), Read(e, "train_accuracy"), Read(e, "validation_loss"),
                Read(e, "validation_accuracy"), Read(e, "seconds"), Read(e, "samples_per_second"))
            {
                LearningRate = Read(e, "learning_rate"),
                SkippedBatches = e.GetProperty("skipped_batches").GetInt32(),
                TrainMeanAbsoluteError = Read(e, "train_mae"),
                ValidationMeanAbsoluteError = Read(e, "validation_mae"),
            });
        }
        return list;
    }

    private static double Read(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
}
