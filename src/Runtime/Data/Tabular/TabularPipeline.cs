using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axon.Data.Tabular;

/// <summary>
/// Turns table columns into model rows: declared once, fitted on the TRAINING rows only, then applied unchanged to
/// validation, test and production rows, and saved next to the model so prediction uses the same transform.
/// </summary>
/// <remarks>
/// <para>Declare each column's transform in the order its values should appear in the row:
/// <see cref="Numeric(string, Scaling, bool, Missing, double?)"/> (impute → optional log1p → standardise or min-max → optional clip, plus an
/// optional missing indicator), <see cref="OneHot"/> (one 0/1 value per training category and one "(other)" for
/// unseen or missing values) and <see cref="CategoryIds"/> (an id for an Embedding input: 1..K, 0 for unseen or
/// missing). <see cref="BinaryTarget"/> names the label column. <see cref="Fit(Table, ReadOnlySpan{int})"/> learns medians, means, standard
/// deviations, minima, ranges and category lists from the rows it is given and from nothing else: fitting on all
/// rows would leak the test rows' statistics into training (a test checks that it does not).</para>
/// <para>Row width is <see cref="Width"/>; <see cref="CheckWidth"/> compares it with a model's <see cref="IModel.InputSize"/>.
/// <see cref="FeatureNames"/> names each value and <see cref="FeatureColumns"/> its source column, so reports on
/// one-hot values can be summed back to the column a person knows.</para>
/// </remarks>
public sealed class TabularPipeline
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly List<ColumnTransform> _steps = [];
    private Dictionary<string, int>[] _lookup = [];

    /// <summary>The label column, or null when none is declared.</summary>
    public string? TargetColumn { get; private set; }

    /// <summary>The value of <see cref="TargetColumn"/> that is the positive class (target 1).</summary>
    public string? PositiveClass { get; private set; }

    /// <summary>Whether <see cref="Fit(Table, ReadOnlySpan{int})"/> has run since the last declaration.</summary>
    public bool IsFitted { get; private set; }

    /// <summary>The declared transforms, in row order, with what they learned once fitted.</summary>
    public IReadOnlyList<ColumnTransform> Transforms => _steps;

    /// <summary>Declares numeric columns, each transformed as <see cref="Numeric(string, Scaling, bool, Missing, double?)"/> says.</summary>
    public TabularPipeline Numeric(IEnumerable<string> columns, Scaling scaling = Scaling.Standardize, bool log1p = false, Missing missing = Missing.Median, double? clip = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var column in columns) Numeric(column, scaling, log1p, missing, clip);
        return this;
    }

    /// <summary>
    /// Declares a numeric column: <c>v = x</c>, or the training median when missing (<paramref name="missing"/>); then
    /// <c>log(1 + v)</c> when <paramref name="log1p"/>; then scaled by <paramref name="scaling"/> with training statistics;
    /// then clipped to ±<paramref name="clip"/> when given. Defaults: standardise, no log, median fill, no clip.
    /// </summary>
    public TabularPipeline Numeric(string column, Scaling scaling = Scaling.Standardize, bool log1p = false, Missing missing = Missing.Median, double? clip = null)
    {
        if (clip is { } c && !(c > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "clip must be positive.");
        return Add(new ColumnTransform { Column = column, Kind = TransformKind.Numeric, Scaling = scaling, Log1p = log1p, Missing = missing, Clip = clip });
    }

    /// <summary>Declares categorical columns as one-hot: per column, one value per training category (ordinal order) and a last one for any other value, unseen in training or missing.</summary>
    public TabularPipeline OneHot(params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var column in columns) Add(new ColumnTransform { Column = column, Kind = TransformKind.OneHot });
        return this;
    }

    /// <summary>
    /// Declares a categorical column as one id for an <c>[Input(1, Ids = true)]</c> member read by an Embedding: the
    /// training categories get 1..K in ordinal order, anything else (unseen or missing) 0, the unknown bucket.
    /// With <paramref name="vocabulary"/> (the Embedding's size), fitting checks that K + 1 ids fit.
    /// </summary>
    public TabularPipeline CategoryIds(string column, int? vocabulary = null)
    {
        if (vocabulary is { } v && v < 2) throw new ArgumentOutOfRangeException(nameof(vocabulary), vocabulary, "an id vocabulary needs at least 2 ids (0 for unknown, 1 for a category).");
        return Add(new ColumnTransform { Column = column, Kind = TransformKind.Ids, Vocabulary = vocabulary });
    }

    /// <summary>Declares the label column: target 1 where it equals <paramref name="positive"/>, 0 elsewhere (for binary cross-entropy).</summary>
    public TabularPipeline BinaryTarget(string column, string positive)
    {
        ArgumentException.ThrowIfNullOrEmpty(column);
        ArgumentNullException.ThrowIfNull(positive);
        if (_steps.Any(s => s.Column == column)) throw new ArgumentException($"'{column}' is already a feature; it cannot also be the target (that would leak the label into the input).", nameof(column));
        TargetColumn = column;
        PositiveClass = positive;
        return this;
    }

    private TabularPipeline Add(ColumnTransform step)
    {
        ArgumentException.ThrowIfNullOrEmpty(step.Column);
        if (step.Column == TargetColumn) throw new ArgumentException($"'{step.Column}' is the target; it cannot also be a feature (that would leak the label into the input).");
        if (_steps.Any(s => s.Column == step.Column)) throw new ArgumentException($"column '{step.Column}' is declared twice in the pipeline.");
        _steps.Add(step);
        IsFitted = false;
        return this;
    }

    /// <summary>Labels of every row of <paramref name="table"/> from the target column (1 = positive): what stratified splits need.</summary>
    public int[] Labels(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (TargetColumn is null) throw new InvalidOperationException("no target declared: call BinaryTarget(column, positive) first.");
        return table.BinaryLabels(TargetColumn, PositiveClass!);
    }

    /// <summary>
    /// Learns every transform's statistics from <paramref name="trainingRows"/> of <paramref name="table"/> only
    /// (never pass the test rows), replacing any earlier fit.
    /// </summary>
    /// <exception cref="ArgumentException">No transforms, no rows, a column missing or of the wrong kind, a missing value under <see cref="Missing.Error"/>, a value ≤ −1 under log1p, a column with no values in training, or more categories than a declared vocabulary.</exception>
    public TabularPipeline Fit(Table table, ReadOnlySpan<int> trainingRows)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (_steps.Count == 0) throw new InvalidOperationException("the pipeline has no columns: declare Numeric, OneHot or CategoryIds columns before Fit.");
        if (trainingRows.Length == 0) throw new ArgumentException("Fit needs at least one training row; none was given.", nameof(trainingRows));
        var rows = trainingRows.ToArray();
        foreach (int r in rows)
            if ((uint)r >= (uint)table.RowCount) throw new ArgumentOutOfRangeException(nameof(trainingRows), r, $"{table.Source} has rows 0..{table.RowCount - 1}.");
        foreach (var step in _steps)
        {
            if (step.Kind == TransformKind.Numeric) FitNumeric(step, table, rows);
            else FitCategories(step, table, rows);
        }
        _lookup = BuildLookup();
        IsFitted = true;
        return this;
    }

    /// <summary>Fits on every row of <paramref name="table"/>: for a table that IS the training split.</summary>
    public TabularPipeline Fit(Table table) => Fit(table, Enumerable.Range(0, (table ?? throw new ArgumentNullException(nameof(table))).RowCount).ToArray());

    private static void FitNumeric(ColumnTransform step, Table table, int[] rows)
    {
        var x = table.Numbers(step.Column);
        var present = new List<double>(rows.Length);
        foreach (int r in rows)
        {
            if (double.IsNaN(x[r]))
            {
                if (step.Missing == Missing.Error) throw MissingError(table, step.Column, r);
                continue;
            }
            present.Add(x[r]);
        }
        if (present.Count == 0) throw new ArgumentException($"{table.Source}: column '{step.Column}' has no values in the {rows.Length} training rows; nothing to learn a fill or a scale from.");
        present.Sort();
        int n = present.Count;
        step.Fill = n % 2 == 1 ? present[n / 2] : 0.5 * (present[n / 2 - 1] + present[n / 2]);
        // The statistics are over all training rows as the model will see them: missing ones filled.
        var values = new double[rows.Length];
        for (int i = 0; i < rows.Length; i++)
            values[i] = Prepare(step, table, rows[i], double.IsNaN(x[rows[i]]) ? step.Fill : x[rows[i]]);
        switch (step.Scaling)
        {
            case Scaling.Standardize:
                double mean = values.Average();
                double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
                step.Center = mean;
                step.Scale = sd > 0 ? sd : 1;
                break;
            case Scaling.MinMax:
                double min = values.Min(), range = values.Max() - min;
                step.Center = min;
                step.Scale = range > 0 ? range : 1;
                break;
            default:
                step.Center = 0;
                step.Scale = 1;
                break;
        }
    }

    private static void FitCategories(ColumnTransform step, Table table, int[] rows)
    {
        var values = table.Categories(step.Column);
        step.Categories = rows.Select(r => values[r]).Where(v => v is not null).Distinct().Order(StringComparer.Ordinal).ToArray()!;
        if (step.Kind == TransformKind.Ids && step.Vocabulary is { } vocabulary && step.Categories.Length + 1 > vocabulary)
            throw new ArgumentException(
                $"{table.Source}: column '{step.Column}' has {step.Categories.Length} categories in the training rows, so ids 0..{step.Categories.Length} (0 = unknown); the declared vocabulary holds {vocabulary}: make the Embedding's vocabulary at least {step.Categories.Length + 1}.");
    }

    /// <summary>log1p when asked; the value must then be &gt; −1.</summary>
    private static double Prepare(ColumnTransform step, Table table, int row, double value)
    {
        if (!step.Log1p) return value;
        if (value <= -1)
            throw new ArgumentException($"{table.Source}: row {row} (line {row + 2}), column '{step.Column}': log1p needs values > -1, got {value}.");
        return Math.Log(1 + value);
    }

    private static ArgumentException MissingError(Table table, string column, int row) =>
        new($"{table.Source}: row {row} (line {row + 2}), column '{column}': the value is missing and the pipeline declares Missing.Error for it; use Missing.Median or Missing.MedianAndIndicator to fill it.");

    private Dictionary<string, int>[] BuildLookup() =>
        _steps.Select(s => s.Categories.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal)).ToArray();

    /// <summary>Values per model row: the sum of the transforms' widths.</summary>
    public int Width => RequireFitted()._steps.Sum(s => s.Width);

    /// <summary>Name of each value of a row (<see cref="ColumnTransform.FeatureNames"/>), <see cref="Width"/> of them.</summary>
    public IReadOnlyList<string> FeatureNames => RequireFitted()._steps.SelectMany(s => s.FeatureNames).ToArray();

    /// <summary>The source column of each value of a row: sum attributions over equal entries to report per original column.</summary>
    public IReadOnlyList<string> FeatureColumns => RequireFitted()._steps.SelectMany(s => Enumerable.Repeat(s.Column, s.Width)).ToArray();

    /// <summary>The declared source columns, in row order.</summary>
    public IReadOnlyList<string> Columns => _steps.Select(s => s.Column).ToArray();

    /// <summary>For a <see cref="CategoryIds"/> column: the ids it writes, K + 1 (what the Embedding's vocabulary must hold).</summary>
    public int IdCount(string column)
    {
        var step = RequireFitted()._steps.FirstOrDefault(s => s.Column == column && s.Kind == TransformKind.Ids)
            ?? throw new ArgumentException($"'{column}' is not declared with CategoryIds in this pipeline.", nameof(column));
        return step.Categories.Length + 1;
    }

    /// <summary>Throws unless the pipeline's <see cref="Width"/> equals <paramref name="model"/>'s <see cref="IModel.InputSize"/>.</summary>
    /// <exception cref="ArgumentException">The widths differ; the message lists what the pipeline writes.</exception>
    public void CheckWidth(IModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int width = Width;
        if (width != model.InputSize)
            throw new ArgumentException(
                $"the pipeline writes {width} values per row but {model.Name} takes InputSize = {model.InputSize}; declare the model's input as [Input({width})] "
                + $"(or change the pipeline). The values: {string.Join(", ", _steps.Select(s => $"{s.Column} {s.Width}"))}.", nameof(model));
    }

    /// <summary>The model rows of <paramref name="rows"/> of <paramref name="table"/>, <c>[rows.Length, Width]</c> row-major.</summary>
    public float[] TransformFeatures(Table table, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(table);
        RequireFitted();
        int width = Width;
        var features = new float[(long)rows.Length * width];
        int offset = 0;
        for (int s = 0; s < _steps.Count; s++)
        {
            var step = _steps[s];
            if (step.Kind == TransformKind.Numeric) WriteNumeric(step, table, rows, features, width, offset);
            else WriteCategories(step, _lookup[s], table, rows, features, width, offset);
            offset += step.Width;
        }
        return features;
    }

    /// <summary>The model rows of every row of <paramref name="table"/>.</summary>
    public float[] TransformFeatures(Table table) =>
        TransformFeatures(table, Enumerable.Range(0, (table ?? throw new ArgumentNullException(nameof(table))).RowCount).ToArray());

    /// <summary>A dataset of <paramref name="rows"/>: the model rows and, from the declared target, 1/0 targets.</summary>
    public Dataset Transform(Table table, ReadOnlySpan<int> rows)
    {
        var labels = Labels(table);
        var targets = new float[rows.Length];
        for (int i = 0; i < rows.Length; i++) targets[i] = labels[rows[i]];
        return Dataset.FromRegression(TransformFeatures(table, rows), targets, Width);
    }

    private static void WriteNumeric(ColumnTransform step, Table table, ReadOnlySpan<int> rows, float[] features, int width, int offset)
    {
        var x = table.Numbers(step.Column);
        double clip = step.Clip ?? double.PositiveInfinity;
        for (int i = 0; i < rows.Length; i++)
        {
            int r = rows[i];
            if ((uint)r >= (uint)table.RowCount) throw new ArgumentOutOfRangeException(nameof(rows), r, $"{table.Source} has rows 0..{table.RowCount - 1}.");
            bool missing = double.IsNaN(x[r]);
            if (missing && step.Missing == Missing.Error) throw MissingError(table, step.Column, r);
            double v = (Prepare(step, table, r, missing ? step.Fill : x[r]) - step.Center) / step.Scale;
            long at = (long)i * width + offset;
            features[at] = (float)Math.Clamp(v, -clip, clip);
            if (step.Missing == Missing.MedianAndIndicator) features[at + 1] = missing ? 1f : 0f;
        }
    }

    private static void WriteCategories(ColumnTransform step, Dictionary<string, int> lookup, Table table, ReadOnlySpan<int> rows, float[] features, int width, int offset)
    {
        var values = table.Categories(step.Column);
        int other = step.Categories.Length;
        for (int i = 0; i < rows.Length; i++)
        {
            int r = rows[i];
            if ((uint)r >= (uint)table.RowCount) throw new ArgumentOutOfRangeException(nameof(rows), r, $"{table.Source} has rows 0..{table.RowCount - 1}.");
            int k = values[r] is { } v && lookup.TryGetValue(v, out int found) ? found : -1;
            long at = (long)i * width + offset;
            if (step.Kind == TransformKind.OneHot) features[at + (k >= 0 ? k : other)] = 1f;
            else features[at] = k + 1;   // unknown → 0
        }
    }

    private TabularPipeline RequireFitted() =>
        IsFitted ? this : throw new InvalidOperationException("the pipeline is not fitted: call Fit(table, trainingRows) with the training rows first.");

    /// <summary>Writes the declaration and the fitted statistics as JSON to <paramref name="path"/>, atomically (a temporary file, then a rename).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RequireFitted();
        var state = new PipelineFile { Transforms = [.. _steps], TargetColumn = TargetColumn, PositiveClass = PositiveClass };
        string full = Path.GetFullPath(path);
        string temporary = full + $".{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllText(temporary, JsonSerializer.Serialize(state, s_json));
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Reads a pipeline written by <see cref="Save"/>, fitted and ready to transform.</summary>
    /// <exception cref="InvalidDataException">The file is not a pipeline, or its content is inconsistent.</exception>
    public static TabularPipeline Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        PipelineFile? state;
        try
        {
            state = JsonSerializer.Deserialize<PipelineFile>(File.ReadAllText(path), s_json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a tabular pipeline file ({e.Message}).", e);
        }
        if (state is null || state.Version != PipelineFile.CurrentVersion || state.Transforms.Count == 0)
            throw new InvalidDataException($"{path}: not a tabular pipeline file of version {PipelineFile.CurrentVersion} with at least one transform.");
        var pipeline = new TabularPipeline();
        foreach (var step in state.Transforms)
        {
            if (string.IsNullOrEmpty(step.Column) || !(step.Scale > 0) || !double.IsFinite(step.Center) || !double.IsFinite(step.Fill) || step.Categories is null)
                throw new InvalidDataException($"{path}: transform of column '{step.Column}' has invalid fitted values (scale {step.Scale}, center {step.Center}, fill {step.Fill}).");
            pipeline._steps.Add(step);
        }
        pipeline.TargetColumn = state.TargetColumn;
        pipeline.PositiveClass = state.PositiveClass;
        pipeline._lookup = pipeline.BuildLookup();
        pipeline.IsFitted = true;
        return pipeline;
    }

    /// <summary>Where <see cref="SaveWith"/> puts the pipeline of the model at <paramref name="modelPath"/>: the same name with <c>.pipeline.json</c>.</summary>
    public static string SidecarPath(string modelPath) => Path.ChangeExtension(modelPath, ".pipeline.json");

    /// <summary>
    /// Saves <paramref name="model"/>'s parameters to <paramref name="modelPath"/> (safetensors) and this pipeline beside it
    /// (<see cref="SidecarPath"/>), each atomically, after checking the widths agree.
    /// </summary>
    public void SaveWith(IModel model, string modelPath)
    {
        CheckWidth(model);
        Save(SidecarPath(modelPath));
        model.Save(modelPath);
    }

    /// <summary>
    /// Loads the pipeline saved beside <paramref name="modelPath"/>, checks its width against <paramref name="model"/>, then
    /// loads the model's parameters; on any error the model is unchanged.
    /// </summary>
    public static TabularPipeline LoadWith(IModel model, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(model);
        var pipeline = Load(SidecarPath(modelPath));
        pipeline.CheckWidth(model);
        model.Load(modelPath);
        return pipeline;
    }

    private sealed class PipelineFile
    {
        public const int CurrentVersion = 1;
        public int Version { get; init; } = CurrentVersion;
        public string? TargetColumn { get; init; }
        public string? PositiveClass { get; init; }
        public List<ColumnTransform> Transforms { get; init; } = [];
    }
}
