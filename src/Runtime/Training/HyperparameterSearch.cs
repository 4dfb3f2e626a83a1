using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using Axon.Data;

namespace Axon.Training;

/// <summary>The values of one trial of a <see cref="HyperparameterSearch"/>, by name.</summary>
public sealed class Hyperparameters : IReadOnlyDictionary<string, double>
{
    private readonly Dictionary<string, double> _values;

    internal Hyperparameters(Dictionary<string, double> values) => _values = values;

    /// <summary>The value of <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such hyper-parameter.</exception>
    public double this[string key] => _values.TryGetValue(key, out var v) ? v
        : throw new KeyNotFoundException($"no hyper-parameter '{key}'; the search has {string.Join(", ", _values.Keys)}.");

    /// <summary>The value of <paramref name="key"/> as a float (a learning rate).</summary>
    public float Float(string key) => (float)this[key];

    /// <summary>The value of <paramref name="key"/> rounded to an integer (a layer width, a batch size).</summary>
    public int Int(string key) => (int)Math.Round(this[key]);

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc/>
    public IEnumerable<double> Values => _values.Values;

    /// <inheritdoc/>
    public int Count => _values.Count;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, out double value) => _values.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _values.GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", _values.Select(kv => $"{kv.Key}={kv.Value.ToString("G6", CultureInfo.InvariantCulture)}"));
}

/// <summary>One trained configuration.</summary>
/// <param name="Index">The trial's number, from 0.</param>
/// <param name="Parameters">Its hyper-parameters.</param>
/// <param name="Objective">The best value of the monitored figure over its epochs.</param>
/// <param name="BestEpoch">The epoch of <see cref="Objective"/>.</param>
/// <param name="History">Its training history.</param>
/// <param name="Seconds">Wall-clock seconds of the trial.</param>
public sealed record Trial(int Index, Hyperparameters Parameters, double Objective, int BestEpoch, History History, double Seconds);

/// <summary>The trials of a search, in the order run, and the best.</summary>
public sealed class SearchResult
{
    internal SearchResult(IReadOnlyList<Trial> trials, Monitor objective, bool maximize)
    {
        Trials = trials;
        Objective = objective;
        Maximize = maximize;
        Trial? best = null;
        foreach (var t in trials)
            if (!double.IsNaN(t.Objective) && (best is null || (maximize ? t.Objective > best.Objective : t.Objective < best.Objective)))
                best = t;
        Best = best ?? trials[0];
    }

    /// <summary>Every trial, in the order run.</summary>
    public IReadOnlyList<Trial> Trials { get; }

    /// <summary>The figure compared.</summary>
    public Monitor Objective { get; }

    /// <summary>Whether larger is better.</summary>
    public bool Maximize { get; }

    /// <summary>The trial with the best objective (the first such on ties).</summary>
    public Trial Best { get; }

    /// <summary>The table as CSV: <c>trial</c>, one column per hyper-parameter, <c>objective,best_epoch,epochs,seconds</c>.</summary>
    public string ToCsv()
    {
        var names = Trials[0].Parameters.Keys.ToArray();
        var sb = new StringBuilder("trial,").Append(string.Join(",", names)).Append(",objective,best_epoch,epochs,seconds\n");
        foreach (var t in Trials)
        {
            sb.Append(t.Index.ToString(CultureInfo.InvariantCulture));
            foreach (var n in names) sb.Append(',').Append(t.Parameters[n].ToString("R", CultureInfo.InvariantCulture));
            sb.Append(CultureInfo.InvariantCulture, $",{t.Objective:R},{t.BestEpoch},{t.History.Count},{t.Seconds:F3}\n");
        }
        return sb.ToString();
    }

    /// <summary>The table as Markdown, sorted best first.</summary>
    public string ToMarkdown()
    {
        var names = Trials[0].Parameters.Keys.ToArray();
        var sb = new StringBuilder("| trial | ").Append(string.Join(" | ", names)).Append(CultureInfo.InvariantCulture, $" | {Objective} | best epoch |\n|");
        for (int i = 0; i < names.Length + 3; i++) sb.Append("---|");
        sb.Append('\n');
        var sorted = Trials.OrderBy(t => double.IsNaN(t.Objective) ? 1 : 0).ThenBy(t => Maximize ? -t.Objective : t.Objective);
        foreach (var t in sorted)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {t.Index} |");
            foreach (var n in names) sb.Append(' ').Append(t.Parameters[n].ToString("G4", CultureInfo.InvariantCulture)).Append(" |");
            sb.Append(CultureInfo.InvariantCulture, $" {t.Objective:G5} | {t.BestEpoch} |\n");
        }
        return sb.ToString();
    }
}

/// <summary>
/// Grid or random search over hyper-parameters: declare each with <see cref="Choice"/> (a list, for grids and random search),
/// <see cref="Uniform"/> or <see cref="LogUniform"/> (ranges, random search only), then <see cref="Grid"/> trains every combination
/// and <see cref="Random"/> a number of random draws (from a seed, so the trials repeat). Each trial builds a model from its values,
/// trains it with <see cref="Trainer.Fit"/> validated on the given set, and is scored by the best epoch's monitored figure.
/// </summary>
public sealed class HyperparameterSearch
{
    private readonly List<(string Name, double[]? Choices, double Low, double High, bool Log)> _space = [];

    /// <summary>A hyper-parameter taking one of <paramref name="values"/>.</summary>
    public HyperparameterSearch Choice(string name, params double[] values)
    {
        Add(name);
        if (values is null || values.Length == 0) throw new ArgumentException($"'{name}' needs at least one value.", nameof(values));
        _space.Add((name, (double[])values.Clone(), 0, 0, false));
        return this;
    }

    /// <summary>A hyper-parameter drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>) (random search only).</summary>
    public HyperparameterSearch Uniform(string name, double low, double high) => Range(name, low, high, log: false);

    /// <summary>A hyper-parameter drawn log-uniformly from [<paramref name="low"/>, <paramref name="high"/>), both &gt; 0 (learning rates; random search only).</summary>
    public HyperparameterSearch LogUniform(string name, double low, double high)
    {
        if (!(low > 0)) throw new ArgumentOutOfRangeException(nameof(low), low, "a log-uniform range needs low > 0.");
        return Range(name, low, high, log: true);
    }

    private HyperparameterSearch Range(string name, double low, double high, bool log)
    {
        Add(name);
        if (!(low < high) || double.IsInfinity(low) || double.IsInfinity(high))
            throw new ArgumentException($"'{name}' has range [{low}, {high}); expected finite low < high.");
        _space.Add((name, null, low, high, log));
        return this;
    }

    private void Add(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_space.Any(s => s.Name == name)) throw new ArgumentException($"'{name}' is declared twice.", nameof(name));
    }

    /// <summary>Trains every combination of the <see cref="Choice"/> values, in order (the last declared varies fastest).</summary>
    /// <param name="createModel">Builds a fresh model for a trial's values.</param>
    /// <param name="train">The training set.</param>
    /// <param name="validation">The validation set every trial is scored on.</param>
    /// <param name="options">The fit options of a trial's values (its Validation is replaced). Default: one epoch.</param>
    /// <param name="objective">The figure scored. Default: <see cref="Monitor.ValidationLoss"/>.</param>
    /// <exception cref="InvalidOperationException">A range was declared (a grid needs lists), or nothing was declared.</exception>
    public SearchResult Grid(Func<Hyperparameters, IModel> createModel, Dataset train, Dataset validation,
        Func<Hyperparameters, FitOptions>? options = null, Monitor objective = Monitor.ValidationLoss)
    {
        if (_space.Count == 0) throw new InvalidOperationException("declare at least one hyper-parameter.");
        if (_space.Any(s => s.Choices is null))
            throw new InvalidOperationException($"a grid needs lists of values; '{_space.First(s => s.Choices is null).Name}' is a range. Use Choice, or Random.");
        long total = 1;
        foreach (var s in _space) total *= s.Choices!.Length;
        var combos = new List<Hyperparameters>();
        for (long i = 0; i < total; i++)
        {
            var values = new Dictionary<string, double>();
            long rest = i;
            for (int d = _space.Count - 1; d >= 0; d--)
            {
                var c = _space[d].Choices!;
                values[_space[d].Name] = c[rest % c.Length];
                rest /= c.Length;
            }
            combos.Add(new Hyperparameters(_space.ToDictionary(s => s.Name, s => values[s.Name])));
        }
        return RunAll(combos, createModel, train, validation, options, objective);
    }

    /// <summary>Trains <paramref name="trials"/> random draws from the declared space (<paramref name="seed"/> fixes them).</summary>
    /// <param name="trials">How many, ≥ 1.</param>
    /// <param name="createModel">Builds a fresh model for a trial's values.</param>
    /// <param name="train">The training set.</param>
    /// <param name="validation">The validation set every trial is scored on.</param>
    /// <param name="options">The fit options of a trial's values (its Validation is replaced). Default: one epoch.</param>
    /// <param name="objective">The figure scored. Default: <see cref="Monitor.ValidationLoss"/>.</param>
    /// <param name="seed">Seed of the draws. Default: 0.</param>
    public SearchResult Random(int trials, Func<Hyperparameters, IModel> createModel, Dataset train, Dataset validation,
        Func<Hyperparameters, FitOptions>? options = null, Monitor objective = Monitor.ValidationLoss, long seed = 0)
    {
        if (_space.Count == 0) throw new InvalidOperationException("declare at least one hyper-parameter.");
        if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), trials, "expected at least 1 trial.");
        var rng = new Rng(seed);
        var combos = new List<Hyperparameters>();
        for (int t = 0; t < trials; t++)
        {
            var values = new Dictionary<string, double>();
            foreach (var s in _space)
            {
                double u = rng.NextSingle();
                values[s.Name] = s.Choices is { } c ? c[rng.NextInt(c.Length)]
                    : s.Log ? Math.Exp(Math.Log(s.Low) + u * (Math.Log(s.High) - Math.Log(s.Low)))
                    : s.Low + u * (s.High - s.Low);
            }
            combos.Add(new Hyperparameters(values));
        }
        return RunAll(combos, createModel, train, validation, options, objective);
    }

    private static SearchResult RunAll(List<Hyperparameters> combos, Func<Hyperparameters, IModel> createModel, Dataset train, Dataset validation,
        Func<Hyperparameters, FitOptions>? options, Monitor objective)
    {
        ArgumentNullException.ThrowIfNull(createModel);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        var monitor = new MonitoredValue(objective, MonitorMode.Auto, 0);
        var trials = new List<Trial>(combos.Count);
        foreach (var p in combos)
        {
            long start = Stopwatch.GetTimestamp();
            var model = createModel(p) ?? throw new InvalidOperationException($"createModel returned null for {p}.");
            var fit = CrossValidation.With(options?.Invoke(p) ?? new FitOptions(), validation);
            var history = Trainer.Fit(model, train, fit);
            double best = monitor.Worst;
            int bestEpoch = 0;
            foreach (var e in history)
            {
                double v = monitor.Read(e);
                if (monitor.Improves(v, best)) { best = v; bestEpoch = e.Epoch; }
            }
            trials.Add(new Trial(trials.Count, p, bestEpoch == 0 ? double.NaN : best, bestEpoch, history, Stopwatch.GetElapsedTime(start).TotalSeconds));
        }
        return new SearchResult(trials, objective, monitor.Maximize);
    }
}
