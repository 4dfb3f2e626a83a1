using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Axon.Examples;
using MarketPrediction;

var dataOption = new Option<FileInfo?>("--data") { Description = "CSV with DAX, SMI, CAC and FTSE closes (default: the committed EuStockMarkets file)" };
dataOption.Validators.Add(r =>
{
    if (r.Tokens.Count == 1 && !File.Exists(r.Tokens[0].Value)) r.AddError($"--data: the file '{Path.GetFullPath(r.Tokens[0].Value)}' does not exist");
});
var jsonOption = new Option<string?>("--json") { Description = "Also write every row (task, model, seed, rmse, mae, direction_accuracy) to this file as a JSON array" };
var defaults = new LessonSettings();
var seedsOption = ExampleCommandLine.PositiveInt("--seeds", defaults.Seeds, "Seeds per network (mean and spread over them)");
var epochsOption = ExampleCommandLine.PositiveInt("--epochs", defaults.Epochs, "Largest number of epochs (early stopping on the validation loss ends most runs sooner)");
var testOption = ExampleCommandLine.PositiveInt("--test", defaults.Test, "Test days per walk-forward fold");
var command = new RootCommand(
    "Lesson 5: next-day DAX return and volatility from 20-day windows of four European indices; baselines and networks on the same walk-forward folds.")
{
    dataOption, jsonOption, seedsOption, epochsOption, testOption,
};
if (ExampleCommandLine.Parse(command, args, out int exitCode) is not { } parse) return exitCode;

var total = Stopwatch.StartNew();
string path = parse.GetValue(dataOption)?.FullName ?? Path.Combine(AppContext.BaseDirectory, "data", "eu-stock-markets", "eu_stock_markets.csv");
var settings = defaults with { Seeds = parse.GetValue(seedsOption), Epochs = parse.GetValue(epochsOption), Test = parse.GetValue(testOption) };
var closes = Lesson.LoadCloses(path);
IReadOnlyList<Axon.Data.TimeSeries.WalkForwardSplit> folds;
try { folds = Lesson.Folds(closes.Length - 1, settings); }
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{AppDomain.CurrentDomain.FriendlyName}: --test {settings.Test} leaves no fold: {e.Message.Split(" (Parameter")[0]}");
    return ExampleCommandLine.UsageError;
}
Console.WriteLine($"EuStockMarkets: {closes.Length} business days of {string.Join(", ", closes.Columns)} closes → {closes.Length - 1} daily log returns");
Console.WriteLine($"Walk-forward: {folds.Count} folds, expanding training period from row {folds[0].Train.Start}, {settings.Validation} validation " +
                  $"and {settings.Test} test days per fold; windows of {Windows.Steps} days × {Windows.Features} indices; " +
                  $"scaling fitted on each fold's training days only");

Console.WriteLine("\nTask 1: next-day DAX log return (errors in % of log return; test days of every fold together)");
var returnRows = Lesson.ReturnTask(closes, settings, Console.Out);
Lesson.PrintTable(returnRows, "zero return (random walk)", Console.Out);
Lesson.PrintVerdict(returnRows, "zero return (random walk)", Console.Out);
Console.WriteLine("  Against the drift alone (a constant forecast of the training days' mean return):");
Lesson.PrintVerdict(returnRows, "training mean", Console.Out);

Console.WriteLine("\nTask 2: next-day absolute DAX log return (volatility; errors in % of log return)");
var volatilityRows = Lesson.VolatilityTask(closes, settings, Console.Out);
string ewma = volatilityRows.Rows.First(r => r.Model.Contains("×√(2/π)", StringComparison.Ordinal)).Model;
Lesson.PrintTable(volatilityRows, ewma, Console.Out);
Lesson.PrintVerdict(volatilityRows, ewma, Console.Out);

string? json = parse.GetValue(jsonOption);
if (json is not null)
{
    File.WriteAllText(json, JsonSerializer.Serialize(returnRows.Rows.Concat(volatilityRows.Rows), new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"\nWrote {json}");
}
Console.WriteLine($"\nTotal {total.Elapsed.TotalSeconds:F1} s");
return 0;
