using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Axon;
using Axon.Data;

namespace CreditRiskExample;

/// <summary>The loans as read: per row its categorical values, its numeric values and whether it went bad.</summary>
public sealed record LoanTable(string[][] Categories, double[][] Numbers, bool[] Bad)
{
    /// <summary>Number of loans.</summary>
    public int Count => Bad.Length;
}

/// <summary>
/// Reading <c>data/lending-club/lending_club.csv</c> (data/README.md) and turning it into model rows:
/// a stratified split, category ids and standardised numbers, every statistic taken from the training rows only.
/// </summary>
public static class LendingClub
{
    /// <summary>The categorical columns, in the order of the model's id inputs.</summary>
    public static readonly string[] CategoricalColumns = ["sub_grade", "addr_state", "emp_length", "term", "verification_status"];

    /// <summary>Ids per categorical column: the categories of the whole file plus id 0 for an unseen one.</summary>
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
    private static readonly HashSet<string> s_money = ["funded_amnt", "annual_inc", "total_bal_il", "total_il_high_credit_limit", "delinq_amnt"];

    /// <summary>Standardised values are clipped to ±5: a handful of extreme counts should not dominate a batch.</summary>
    public const double Clip = 5;

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

    /// <summary>Reads the CSV: a header, then one loan per line; strings quoted, numbers bare, no missing values (NA or empty is an error).</summary>
    public static LoanTable Read(string path)
    {
        using var reader = new StreamReader(path);
        var header = Split(reader.ReadLine() ?? throw new InvalidDataException($"{path}: empty file"));
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"{path}: no column '{name}'");
        var categorical = CategoricalColumns.Select(Column).ToArray();
        var numeric = NumericColumns.Select(Column).ToArray();
        int outcome = Column("Class");

        var categories = new List<string[]>();
        var numbers = new List<double[]>();
        var bad = new List<bool>();
        int line = 1;
        for (string? text; (text = reader.ReadLine()) is not null;)
        {
            line++;
            if (text.Length == 0) continue;
            var fields = Split(text);
            if (fields.Length != header.Length) throw new InvalidDataException($"{path}:{line}: {fields.Length} fields, expected {header.Length}");
            categories.Add(categorical.Select(c => Present(fields[c], line, header[c])).ToArray());
            numbers.Add(numeric.Select(c => double.Parse(Present(fields[c], line, header[c]), NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray());
            bad.Add(Present(fields[outcome], line, "Class") switch
            {
                "bad" => true,
                "good" => false,
                var other => throw new InvalidDataException($"{path}:{line}: Class is '{other}', expected good or bad"),
            });
        }
        return new LoanTable([.. categories], [.. numbers], [.. bad]);

        string Present(string value, int at, string column) =>
            value is "" or "NA" ? throw new InvalidDataException($"{path}:{at}: '{column}' is missing") : value;
    }

    /// <summary>One CSV line into fields: commas separate, double quotes enclose, <c>""</c> inside quotes is a quote.</summary>
    public static string[] Split(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return [.. fields];
    }

    /// <summary>
    /// A stratified split: each class's rows shuffled with <paramref name="seed"/> and
    /// <paramref name="testFraction"/> of them (rounded) held out, so both parts keep the bad-loan rate.
    /// </summary>
    public static (int[] Train, int[] Test) StratifiedSplit(bool[] bad, double testFraction, long seed)
    {
        var rng = new Rng(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (bool cls in new[] { true, false })
        {
            var rows = Enumerable.Range(0, bad.Length).Where(i => bad[i] == cls).ToArray();
            rng.Shuffle(rows.AsSpan());
            int held = (int)Math.Round(rows.Length * testFraction);
            test.AddRange(rows.Take(held));
            train.AddRange(rows.Skip(held));
        }
        train.Sort();
        test.Sort();
        return ([.. train], [.. test]);
    }

    /// <summary>
    /// What is learned from the training rows: each categorical column's categories (ids 1, 2, … in
    /// ordinal order; 0 for any other) and each numeric column's mean and standard deviation after the log of money.
    /// </summary>
    public sealed record Encoder(Dictionary<string, int>[] Ids, double[] Mean, double[] Scale);

    /// <summary>Fits the <see cref="Encoder"/> on <paramref name="rows"/> of <paramref name="table"/>.</summary>
    public static Encoder Fit(LoanTable table, int[] rows)
    {
        var ids = new Dictionary<string, int>[CategoricalColumns.Length];
        for (int c = 0; c < ids.Length; c++)
        {
            var seen = rows.Select(r => table.Categories[r][c]).Distinct().OrderBy(v => v, StringComparer.Ordinal).ToList();
            if (seen.Count + 1 > s_vocabularies[c])
                throw new InvalidDataException($"'{CategoricalColumns[c]}' has {seen.Count} categories; the model's embedding holds {s_vocabularies[c] - 1}");
            ids[c] = seen.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i + 1);
        }
        var mean = new double[NumericCount];
        var scale = new double[NumericCount];
        for (int c = 0; c < NumericCount; c++)
        {
            var values = rows.Select(r => Transform(c, table.Numbers[r][c])).ToArray();
            mean[c] = values.Average();
            double sd = Math.Sqrt(values.Sum(v => (v - mean[c]) * (v - mean[c])) / values.Length);
            scale[c] = sd > 0 ? sd : 1;
        }
        return new Encoder(ids, mean, scale);
    }

    private static double Transform(int column, double value) =>
        s_money.Contains(NumericColumns[column]) ? Math.Log(1 + Math.Max(value, 0)) : value;

    /// <summary>
    /// Model rows for <paramref name="rows"/>: with <paramref name="withIds"/>, the five category ids then the
    /// numbers (<see cref="CreditRiskNet"/>'s row), else the numbers alone (<see cref="NumericRiskNet"/>'s).
    /// Targets: 1 for a bad loan, 0 for a good one.
    /// </summary>
    public static Dataset Encode(LoanTable table, int[] rows, Encoder encoder, bool withIds)
    {
        int ids = withIds ? CategoricalColumns.Length : 0, width = ids + NumericCount;
        var features = new float[rows.Length * width];
        var targets = new float[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            int r = rows[k];
            var row = features.AsSpan(k * width, width);
            for (int c = 0; c < ids; c++)
                row[c] = encoder.Ids[c].TryGetValue(table.Categories[r][c], out int id) ? id : 0;
            for (int c = 0; c < NumericCount; c++)
                row[ids + c] = (float)Math.Clamp((Transform(c, table.Numbers[r][c]) - encoder.Mean[c]) / encoder.Scale[c], -Clip, Clip);
            targets[k] = table.Bad[r] ? 1f : 0f;
        }
        return Dataset.FromRegression(features, targets, width);
    }
}
