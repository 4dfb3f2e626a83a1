using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Axon.Data.Tabular;

namespace FraudDetection;

/// <summary>Train, validation and test rows of one stratified split (60/20/20), by row number in the CSV.</summary>
public sealed record SplitRows(int Split, int[] Train, int[] Validation, int[] Test);

/// <summary>
/// The credit-scoring data (data/credit-scoring/credit_data.csv: 4,454 applicants, 1,254 bad) and what every model of the
/// lesson shares: the column transforms and the splits. The ML.NET peer (tools/MlNetPeer) compiles this same file.
/// </summary>
public static class CreditData
{
    /// <summary>Values per model row that <see cref="Pipeline"/> writes: 6 numbers, 3 logged amounts with their missing flags, 21 one-hot values.</summary>
    public const int Width = 33;

    /// <summary>The transforms, fitted later on each split's training rows only.</summary>
    public static TabularPipeline Pipeline() => new TabularPipeline()
        .Numeric(["Seniority", "Time", "Age", "Expenses", "Amount", "Price"])
        // Income, assets and debt span orders of magnitude and are sometimes blank: log, fill, flag.
        .Numeric(["Income", "Assets", "Debt"], log1p: true, missing: Missing.MedianAndIndicator)
        .OneHot("Home", "Marital", "Records", "Job")
        .BinaryTarget("Status", "bad");

    /// <summary>
    /// Split seeds 1..<paramref name="count"/>: each holds out 20 % of each class as test, then 25 % of the rest of each class
    /// as validation (for choosing the threshold), leaving 60 % to train on.
    /// </summary>
    public static SplitRows[] Splits(int[] labels, int count) =>
        Enumerable.Range(1, count).Select(seed =>
        {
            var (rest, test) = StratifiedSplit.Split(labels, 0.2, seed);
            var (train, validation) = StratifiedSplit.Split(labels, 0.25, seed, rows: rest);
            return new SplitRows(seed, train, validation, test);
        }).ToArray();

    /// <summary>Writes the splits as JSON (what the ML.NET peer reads to train on exactly the same rows).</summary>
    public static void SaveSplits(SplitRows[] splits, string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(splits));

    /// <summary>Reads splits written by <see cref="SaveSplits"/>.</summary>
    public static SplitRows[] LoadSplits(string path) =>
        JsonSerializer.Deserialize<SplitRows[]>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: no splits");

    /// <summary>The file next to the program (copied there at build time), else under the repository's data folder.</summary>
    public static string FindFile()
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "data", "credit-scoring", "credit_data.csv"),
            Path.Combine("data", "credit-scoring", "credit_data.csv"),
        ];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("credit_data.csv not found; looked in: " + string.Join(", ", candidates));
    }
}
