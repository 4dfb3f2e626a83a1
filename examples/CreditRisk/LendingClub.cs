using System;
using System.IO;
using System.Linq;
using Axon.Data;
using Axon.Data.Tabular;

namespace CreditRiskExample;

/// <summary>
/// The Lending Club loans (<c>data/lending-club/lending_club.csv</c>, data/README.md) and the transforms of lesson 4's two models,
/// declared with the library's tabular pieces: <see cref="Csv"/>, <see cref="TabularPipeline"/> and <see cref="StratifiedSplit"/>.
/// </summary>
public static class LendingClub
{
    /// <summary>The categorical columns, in the order of the model's id inputs.</summary>
    public static readonly string[] CategoricalColumns = ["sub_grade", "addr_state", "emp_length", "term", "verification_status"];

    /// <summary>Ids per categorical column (the Embedding vocabularies): the categories of the whole file plus id 0 for an unseen one.</summary>
    public const int SubGradeIds = 36, StateIds = 51, EmploymentLengthIds = 13, TermIds = 3, VerificationIds = 4;

    private static readonly int[] s_vocabularies = [SubGradeIds, StateIds, EmploymentLengthIds, TermIds, VerificationIds];

    /// <summary>The numeric columns, in the order of the model's numeric input.</summary>
    public static readonly string[] NumericColumns =
    [
        "funded_amnt", "int_rate", "annual_inc", "delinq_2yrs", "inq_last_6mths", "revol_util", "acc_now_delinq",
        "open_il_6m", "open_il_12m", "open_il_24m", "total_bal_il", "all_util", "inq_fi", "inq_last_12m",
        "delinq_amnt", "num_il_tl", "total_il_high_credit_limit",
    ];

    /// <summary>Number of numeric columns.</summary>
    public const int NumericCount = 17;

    /// <summary>Dollar amounts, spread over orders of magnitude: log(1 + x) before standardising.</summary>
    private static readonly string[] s_money = ["funded_amnt", "annual_inc", "total_bal_il", "total_il_high_credit_limit", "delinq_amnt"];

    /// <summary>Standardised values are clipped to ±5: a handful of extreme counts should not dominate a batch.</summary>
    public const double Clip = 5;

    /// <summary>The outcome column and its positive value.</summary>
    public const string Outcome = "Class", Bad = "bad";

    /// <summary>The file next to the program (copied there at build time), else under the repository's data folder.</summary>
    public static string FindFile()
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "data", "lending-club", "lending_club.csv"),
            Path.Combine("data", "lending-club", "lending_club.csv"),
        ];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("lending_club.csv not found; looked in: " + string.Join(", ", candidates));
    }

    /// <summary>Reads the CSV; the numeric columns must parse (an error names the line and column).</summary>
    public static Table Read(string path) => Csv.Read(path, new CsvOptions { Numeric = NumericColumns });

    /// <summary>1 for a bad loan, 0 for a good one, per row.</summary>
    public static int[] Labels(Table table) => table.BinaryLabels(Outcome, Bad);

    /// <summary>
    /// The transforms, to be fitted on the training rows: with <paramref name="withIds"/>, the five category ids (1, 2, … in
    /// ordinal order of the training categories, 0 for any other; checked against the Embedding vocabularies) then the
    /// numbers (<see cref="CreditRiskNet"/>'s row), else the numbers alone (<see cref="NumericRiskNet"/>'s). Numbers:
    /// money logged, all standardised, clipped to ±<see cref="Clip"/>; a missing number is an error (the file has none).
    /// </summary>
    public static TabularPipeline Pipeline(bool withIds)
    {
        var pipeline = new TabularPipeline();
        if (withIds)
            for (int c = 0; c < CategoricalColumns.Length; c++) pipeline.CategoryIds(CategoricalColumns[c], s_vocabularies[c]);
        foreach (var column in NumericColumns)
            pipeline.Numeric(column, log1p: s_money.Contains(column), missing: Missing.Error, clip: Clip);
        return pipeline.BinaryTarget(Outcome, Bad);
    }

    /// <summary>A stratified split: <paramref name="testFraction"/> of each class held out, shuffled with <paramref name="seed"/>.</summary>
    public static (int[] Train, int[] Test) Split(int[] labels, double testFraction, long seed) => StratifiedSplit.Split(labels, testFraction, seed);

    /// <summary>Fits <paramref name="pipeline"/> on <paramref name="trainRows"/> and returns the training and test datasets.</summary>
    public static (Dataset Train, Dataset Test) Encode(TabularPipeline pipeline, Table table, int[] trainRows, int[] testRows)
    {
        pipeline.Fit(table, trainRows);
        return (pipeline.Transform(table, trainRows), pipeline.Transform(table, testRows));
    }
}
