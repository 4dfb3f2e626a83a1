using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Axon.Data;
using Axon.Training;

namespace Axon.Adversarial;

/// <summary>An attack that <see cref="RobustnessReport"/> runs.</summary>
public enum RobustnessAttack
{
    /// <summary>Fast gradient sign method, one step of size ε (<see cref="Attacks.Fgsm"/>).</summary>
    Fgsm = 0,

    /// <summary>
    /// L∞ projected gradient descent (<see cref="Attacks.Pgd"/>) with <see cref="RobustnessOptions.PgdSteps"/> steps of
    /// size <c>2.5·ε/steps</c>, from a random start in the ε-ball.
    /// </summary>
    Pgd = 1,
}

/// <summary>Settings of <see cref="RobustnessReport.Run"/>; every property has a default.</summary>
public sealed class RobustnessOptions
{
    /// <summary>The default <see cref="Epsilons"/>: 0, 0.01, 0.03, 0.05, 0.1 (for inputs in [0, 1]).</summary>
    public static IReadOnlyList<float> DefaultEpsilons { get; } = Array.AsReadOnly(new[] { 0f, 0.01f, 0.03f, 0.05f, 0.1f });

    /// <summary>
    /// The L∞ budgets ε, in raw input units: finite, ≥ 0, and including 0 (the ε = 0 row is a sanity
    /// check: it must reproduce the clean accuracy). They are sorted and duplicates dropped.
    /// Default: <see cref="DefaultEpsilons"/>.
    /// </summary>
    public IReadOnlyList<float> Epsilons { get; init; } = DefaultEpsilons;

    /// <summary>The attacks, each run at every ε. Default: FGSM and PGD.</summary>
    public IReadOnlyList<RobustnessAttack> Attacks { get; init; } = [RobustnessAttack.Fgsm, RobustnessAttack.Pgd];

    /// <summary>PGD iterations, at least 1. Default: 10.</summary>
    public int PgdSteps { get; init; } = 10;

    /// <summary>PGD step size as a multiple of <c>ε/steps</c>: <c>α = factor·ε/steps</c>. Default: 2.5 (Madry et al., 2018).</summary>
    public float PgdStepFactor { get; init; } = 2.5f;

    /// <summary>Start PGD from a uniform random point of the ε-ball. Default: true.</summary>
    public bool PgdRandomStart { get; init; } = true;

    /// <summary>Seed of PGD's random starts (each batch derives its own stream from it). Default: 0.</summary>
    public long Seed { get; init; }

    /// <summary>Use only the first <c>MaxSamples</c> samples of the data set. Default: null (all of them).</summary>
    public int? MaxSamples { get; init; }
}

/// <summary>One (attack, ε) cell of a <see cref="RobustnessReport"/>.</summary>
/// <param name="Attack">The attack.</param>
/// <param name="Epsilon">The L∞ budget ε.</param>
/// <param name="RobustAccuracy">Fraction of all samples still classified correctly after the attack.</param>
/// <param name="AttackSuccessRate">
/// Fraction of the originally correct samples that the attack makes wrong:
/// <c>|{i : correct(xᵢ) ∧ ¬correct(x'ᵢ)}| / |{i : correct(xᵢ)}|</c>; NaN when no sample was correct.
/// </param>
/// <param name="MeanLinf">Mean over all samples of <c>‖x'ᵢ − xᵢ‖∞</c> (at most ε; less where the input range clips).</param>
/// <param name="MeanL2">Mean over all samples of <c>‖x'ᵢ − xᵢ‖₂</c> (at most <c>ε·√InputSize</c>).</param>
/// <param name="RobustCorrect">Number of samples classified correctly after the attack.</param>
/// <param name="Flipped">Number of originally correct samples made wrong.</param>
public readonly record struct RobustnessResult(
    RobustnessAttack Attack, float Epsilon, double RobustAccuracy, double AttackSuccessRate,
    double MeanLinf, double MeanL2, int RobustCorrect, int Flipped);

/// <summary>A self-test of a <see cref="RobustnessReport"/>: if one fails, the numbers should not be trusted.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Passed">Whether it held.</param>
/// <param name="Detail">The numbers compared.</param>
public readonly record struct RobustnessCheck(string Name, bool Passed, string Detail);

/// <summary>
/// How much a classifier's accuracy survives small worst-case input changes: clean accuracy,
/// robust accuracy and attack success rate under FGSM and PGD at several L∞ budgets ε, the size of
/// the perturbations, and the loss sensitivity; with sanity checks, and Markdown, JSON and SVG output.
/// </summary>
/// <remarks>
/// <para>
/// For samples <c>(xᵢ, yᵢ)</c>, <c>i = 1…N</c>, and an attack <c>A</c> with budget ε producing
/// <c>x'ᵢ = A(xᵢ, yᵢ, ε)</c> with <c>‖x'ᵢ − xᵢ‖∞ ≤ ε</c> inside the model's declared input range:
/// clean accuracy <c>= (1/N)·Σ correct(xᵢ)</c>; robust accuracy <c>= (1/N)·Σ correct(x'ᵢ)</c>; attack success
/// rate <c>= Σ correct(xᵢ)·(1 − correct(x'ᵢ)) / Σ correct(xᵢ)</c>; mean norms <c>(1/N)·Σ ‖x'ᵢ − xᵢ‖∞</c> and
/// <c>(1/N)·Σ ‖x'ᵢ − xᵢ‖₂</c>; loss sensitivity <c>= (1/N)·Σ ‖∇ₓL(xᵢ, yᵢ)‖₂</c>, the gradient of each
/// sample's own loss (<see cref="IModel.InputGradient"/>) at the clean input: the first-order change
/// of the loss per unit of L2 input change. <c>correct</c> is the model's own notion of accuracy
/// (<see cref="IModel.EvaluateBatch"/> on the sample alone: arg-max for class indices).
/// </para>
/// <para>
/// Sanity checks (<see cref="Checks"/>): for every attack, the ε = 0 robust accuracy equals the clean
/// accuracy exactly; and robust accuracy does not rise as ε grows (FGSM is deterministic so no
/// tolerance; PGD may rise by at most one sample between consecutive ε because of its random start).
/// </para>
/// <para>
/// Memory: the adversarial and gradient buffers (one batch of <see cref="IModel.MaxBatchSize"/>
/// samples each) are allocated once per report; the attacks and evaluations then allocate nothing.
/// </para>
/// </remarks>
public sealed class RobustnessReport
{
    private RobustnessReport(
        string modelName, int sampleCount, int inputSize, float inputMin, float inputMax, double cleanAccuracy, double lossSensitivity,
        float[] epsilons, RobustnessAttack[] attacks, int pgdSteps, float pgdStepFactor, bool pgdRandomStart, long seed,
        RobustnessResult[] results, RobustnessCheck[] checks)
    {
        ModelName = modelName;
        SampleCount = sampleCount;
        InputSize = inputSize;
        InputMin = inputMin;
        InputMax = inputMax;
        CleanAccuracy = cleanAccuracy;
        LossSensitivity = lossSensitivity;
        Epsilons = Array.AsReadOnly(epsilons);
        Attacks = Array.AsReadOnly(attacks);
        PgdSteps = pgdSteps;
        PgdStepFactor = pgdStepFactor;
        PgdRandomStart = pgdRandomStart;
        Seed = seed;
        Results = Array.AsReadOnly(results);
        Checks = Array.AsReadOnly(checks);
    }

    /// <summary>The model's <see cref="IModel.Name"/>.</summary>
    public string ModelName { get; }

    /// <summary>Number of samples evaluated, N.</summary>
    public int SampleCount { get; }

    /// <summary>The model's input size.</summary>
    public int InputSize { get; }

    /// <summary>The model's declared smallest input value.</summary>
    public float InputMin { get; }

    /// <summary>The model's declared largest input value.</summary>
    public float InputMax { get; }

    /// <summary>Fraction of the samples classified correctly without attack.</summary>
    public double CleanAccuracy { get; }

    /// <summary>Mean over the samples of <c>‖∇ₓL(xᵢ, yᵢ)‖₂</c> at the clean inputs.</summary>
    public double LossSensitivity { get; }

    /// <summary>The budgets ε, ascending, starting with 0.</summary>
    public IReadOnlyList<float> Epsilons { get; }

    /// <summary>The attacks run.</summary>
    public IReadOnlyList<RobustnessAttack> Attacks { get; }

    /// <summary>PGD iterations used.</summary>
    public int PgdSteps { get; }

    /// <summary>PGD step size factor: step = factor·ε/steps.</summary>
    public float PgdStepFactor { get; }

    /// <summary>Whether PGD started at a random point of the ball.</summary>
    public bool PgdRandomStart { get; }

    /// <summary>Seed of PGD's random starts.</summary>
    public long Seed { get; }

    /// <summary>One result per attack and ε, attack-major (all ε of the first attack, then the next).</summary>
    public IReadOnlyList<RobustnessResult> Results { get; }

    /// <summary>The sanity checks and whether they passed.</summary>
    public IReadOnlyList<RobustnessCheck> Checks { get; }

    /// <summary>Whether every sanity check passed.</summary>
    public bool AllChecksPassed => Checks.All(c => c.Passed);

    /// <summary>The result of <paramref name="attack"/> at <paramref name="epsilon"/> (which must be one of <see cref="Epsilons"/>).</summary>
    /// <exception cref="ArgumentException">No such result.</exception>
    public RobustnessResult Get(RobustnessAttack attack, float epsilon)
    {
        foreach (var r in Results)
            if (r.Attack == attack && r.Epsilon == epsilon) return r;
        throw new ArgumentException($"the report has no {Label(attack, PgdSteps)} result at ε = {Format(epsilon)}.", nameof(epsilon));
    }

    /// <summary>
    /// Attacks <paramref name="model"/> on <paramref name="data"/> (in batches of <see cref="IModel.MaxBatchSize"/>)
    /// and measures what <see cref="RobustnessReport"/> describes. The model's parameters do not change.
    /// </summary>
    /// <param name="model">A model with an accuracy (<see cref="IModel.HasAccuracy"/>).</param>
    /// <param name="data">Held-out samples that fit the model.</param>
    /// <param name="options">Settings; null means <c>new RobustnessOptions()</c> (FGSM and PGD-10 at ε ∈ {0, 0.01, 0.03, 0.05, 0.1}).</param>
    /// <exception cref="ArgumentException">The data does not fit the model, the model has no accuracy, or an option is out of range.</exception>
    public static RobustnessReport Run(IModel model, Dataset data, RobustnessOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new RobustnessOptions();
        if (!model.HasAccuracy)
            throw new ArgumentException($"{model.Name} has no accuracy (multi-output regression), so robust accuracy is undefined.", nameof(model));
        Trainer.CheckData(model, data, "the dataset");
        var epsilons = CheckEpsilons(options.Epsilons);
        var attacks = (options.Attacks ?? throw new ArgumentException("Attacks is null; expected at least one attack.", nameof(options))).Distinct().ToArray();
        if (attacks.Length == 0) throw new ArgumentException("Attacks is empty; expected at least one attack.", nameof(options));
        foreach (var a in attacks)
            if (a is not (RobustnessAttack.Fgsm or RobustnessAttack.Pgd))
                throw new ArgumentOutOfRangeException(nameof(options), a, $"unknown attack {a}.");
        if (options.PgdSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.PgdSteps, $"PgdSteps is {options.PgdSteps}; expected at least 1.");
        if (!(options.PgdStepFactor >= 0f) || float.IsInfinity(options.PgdStepFactor))
            throw new ArgumentOutOfRangeException(nameof(options), options.PgdStepFactor, $"PgdStepFactor is {options.PgdStepFactor}; expected a finite value ≥ 0.");
        int count = data.Count;
        if (options.MaxSamples is int max)
        {
            if (max < 1) throw new ArgumentOutOfRangeException(nameof(options), max, $"MaxSamples is {max}; expected at least 1.");
            count = Math.Min(count, max);
        }

        int f = model.InputSize, t = data.TargetSize, size = model.MaxBatchSize;
        bool classes = data.Labels is not null;
        var features = data.Features.AsSpan(0, count * f);
        var labels = classes ? data.Labels.AsSpan(0, count) : default;
        var targets = classes ? default : data.Targets.AsSpan(0, count * t);

        // Buffers: once per report.
        var adversarial = new float[size * f];
        var gradient = new float[size * f];
        var clean = new bool[size];
        int cells = attacks.Length * epsilons.Length;
        var robust = new int[cells];
        var flipped = new int[cells];
        var linf = new double[cells];
        var l2 = new double[cells];
        int cleanCorrect = 0;
        double gradientNormSum = 0;

        for (int start = 0, batchIndex = 0; start < count; start += size, batchIndex++)
        {
            int n = Math.Min(size, count - start);
            var x = features.Slice(start * f, n * f);
            var batch = classes
                ? new Batch(x, labels.Slice(start, n), default, n)
                : new Batch(x, default, targets.Slice(start * t, n * t), n);
            var adv = adversarial.AsSpan(0, n * f);
            var grad = gradient.AsSpan(0, n * f);

            cleanCorrect += Classify(model, batch, x, clean);
            model.InputGradient(batch, grad);
            for (int i = 0; i < n; i++) gradientNormSum += L2(grad.Slice(i * f, f));

            long batchSeed = options.Seed ^ unchecked((batchIndex + 1) * (long)0x9E3779B97F4A7C15UL);
            for (int a = 0; a < attacks.Length; a++)
            {
                for (int e = 0; e < epsilons.Length; e++)
                {
                    float eps = epsilons[e];
                    if (attacks[a] == RobustnessAttack.Fgsm)
                        global::Axon.Adversarial.Attacks.Fgsm(model, batch, eps, adv, grad);
                    else
                        global::Axon.Adversarial.Attacks.Pgd(model, batch, eps, options.PgdStepFactor * eps / options.PgdSteps, options.PgdSteps,
                            adv, grad, options.PgdRandomStart, batchSeed);
                    int cell = a * epsilons.Length + e;
                    for (int i = 0; i < n; i++)
                    {
                        bool ok = SampleCorrect(model, batch, adv, i);
                        if (ok) robust[cell]++;
                        else if (clean[i]) flipped[cell]++;
                        double inf = 0, sq = 0;
                        for (int j = i * f, end = j + f; j < end; j++)
                        {
                            double d = adv[j] - x[j];
                            inf = Math.Max(inf, Math.Abs(d));
                            sq += d * d;
                        }
                        linf[cell] += inf;
                        l2[cell] += Math.Sqrt(sq);
                    }
                }
            }
        }

        var results = new RobustnessResult[cells];
        for (int a = 0; a < attacks.Length; a++)
            for (int e = 0; e < epsilons.Length; e++)
            {
                int cell = a * epsilons.Length + e;
                results[cell] = new RobustnessResult(
                    attacks[a], epsilons[e], (double)robust[cell] / count,
                    cleanCorrect > 0 ? (double)flipped[cell] / cleanCorrect : double.NaN,
                    linf[cell] / count, l2[cell] / count, robust[cell], flipped[cell]);
            }
        var checks = SanityChecks(attacks, epsilons, results, cleanCorrect, count, options.PgdSteps);
        return new RobustnessReport(
            model.Name, count, f, model.InputMin, model.InputMax, (double)cleanCorrect / count, gradientNormSum / count,
            epsilons, attacks, options.PgdSteps, options.PgdStepFactor, options.PgdRandomStart, options.Seed, results, checks);
    }

    private static float[] CheckEpsilons(IReadOnlyList<float>? epsilons)
    {
        if (epsilons is null || epsilons.Count == 0)
            throw new ArgumentException("Epsilons is empty; expected a list of budgets that includes 0.", nameof(epsilons));
        foreach (float e in epsilons)
            if (!(e >= 0f) || float.IsInfinity(e))
                throw new ArgumentOutOfRangeException(nameof(epsilons), e, $"epsilon {e} is not a finite value ≥ 0.");
        var sorted = epsilons.Distinct().Order().ToArray();
        if (sorted[0] != 0f)
            throw new ArgumentException(
                $"Epsilons ({string.Join(", ", sorted.Select(Format))}) does not include 0; the ε = 0 row is the check that the attacks reproduce the clean accuracy.",
                nameof(epsilons));
        return sorted;
    }

    /// <summary>Per-sample correctness of the clean batch into <paramref name="correct"/>; returns the count.</summary>
    private static int Classify(IModel model, in Batch batch, ReadOnlySpan<float> x, Span<bool> correct)
    {
        int total = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            correct[i] = SampleCorrect(model, batch, x, i);
            if (correct[i]) total++;
        }
        return total;
    }

    private static bool SampleCorrect(IModel model, in Batch batch, ReadOnlySpan<float> inputs, int i)
    {
        int f = model.InputSize;
        var x = inputs.Slice(i * f, f);
        var one = batch.Labels.IsEmpty
            ? new Batch(x, default, batch.Targets.Slice(i * model.OutputSize, model.OutputSize), 1)
            : new Batch(x, batch.Labels.Slice(i, 1), default, 1);
        return model.EvaluateBatch(one).Correct == 1;
    }

    private static double L2(ReadOnlySpan<float> v)
    {
        double sum = 0;
        foreach (float g in v) sum += (double)g * g;
        return Math.Sqrt(sum);
    }

    private static RobustnessCheck[] SanityChecks(
        RobustnessAttack[] attacks, float[] epsilons, RobustnessResult[] results, int cleanCorrect, int count, int pgdSteps)
    {
        var checks = new List<RobustnessCheck>();
        for (int a = 0; a < attacks.Length; a++)
        {
            string name = Label(attacks[a], pgdSteps);
            var zero = results[a * epsilons.Length];
            checks.Add(new RobustnessCheck(
                $"{name}: ε = 0 robust accuracy equals clean accuracy",
                zero.RobustCorrect == cleanCorrect,
                $"{zero.RobustCorrect}/{count} vs {cleanCorrect}/{count} correct"));

            int tolerance = attacks[a] == RobustnessAttack.Pgd ? 1 : 0;
            var rises = new List<string>();
            for (int e = 1; e < epsilons.Length; e++)
            {
                var previous = results[a * epsilons.Length + e - 1];
                var current = results[a * epsilons.Length + e];
                if (current.RobustCorrect > previous.RobustCorrect + tolerance)
                    rises.Add($"{previous.RobustCorrect} → {current.RobustCorrect} correct from ε = {Format(previous.Epsilon)} to {Format(current.Epsilon)}");
            }
            checks.Add(new RobustnessCheck(
                $"{name}: robust accuracy does not rise with ε" + (tolerance > 0 ? " (tolerance: 1 sample, for the random start)" : ""),
                rises.Count == 0,
                rises.Count == 0
                    ? string.Join(" ≥ ", Enumerable.Range(0, epsilons.Length).Select(e => results[a * epsilons.Length + e].RobustCorrect.ToString(CultureInfo.InvariantCulture))) + " correct"
                    : string.Join("; ", rises)));
        }
        return checks.ToArray();
    }

    // ------------------------------------------------------------------ output

    private static string Label(RobustnessAttack attack, int pgdSteps) =>
        attack == RobustnessAttack.Fgsm ? "FGSM" : $"PGD-{pgdSteps.ToString(CultureInfo.InvariantCulture)}";

    private string Label(RobustnessAttack attack) => Label(attack, PgdSteps);

    private static string Format(float value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Percent(double value) =>
        double.IsNaN(value) ? "n/a" : (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private string RangeText =>
        float.IsFinite(InputMin) && float.IsFinite(InputMax)
            ? $"[{Format(InputMin)}, {Format(InputMax)}]"
            : "an unbounded range";

    /// <summary>
    /// A Markdown section: a heading, one table row per attack and ε (robust accuracy, accuracy lost,
    /// attack success rate, mean L∞ and L2 perturbation), the sanity checks, and a plain-language summary.
    /// </summary>
    /// <param name="title">Names the model in the heading. Default (null): <see cref="ModelName"/>.</param>
    public string ToMarkdown(string? title = null)
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"### Adversarial robustness of {title ?? ModelName}\n\n");
        s.Append(CultureInfo.InvariantCulture,
            $"{SampleCount:N0} held-out samples, inputs in {RangeText}. Clean accuracy **{Percent(CleanAccuracy)}**. " +
            $"Loss sensitivity (mean ‖∇ₓL‖₂): {Number(LossSensitivity, "0.###")}.\n\n");
        s.Append("| Attack | ε | Robust accuracy | Accuracy lost | Attack success rate | Mean L∞ | Mean L2 |\n");
        s.Append("|---|---:|---:|---:|---:|---:|---:|\n");
        foreach (var r in Results)
            s.Append(CultureInfo.InvariantCulture,
                $"| {Label(r.Attack)} | {Format(r.Epsilon)} | {Percent(r.RobustAccuracy)} | {Percent(CleanAccuracy - r.RobustAccuracy)} | " +
                $"{Percent(r.AttackSuccessRate)} | {Number(r.MeanLinf, "0.0000")} | {Number(r.MeanL2, "0.000")} |\n");
        s.Append('\n');
        s.Append(CultureInfo.InvariantCulture, $"Sanity checks ({Checks.Count(c => c.Passed)}/{Checks.Count} passed):\n\n");
        foreach (var c in Checks)
            s.Append(CultureInfo.InvariantCulture, $"- {(c.Passed ? "PASS" : "**FAIL**")}: {c.Name} ({c.Detail})\n");
        s.Append('\n');
        s.Append(Summary());
        s.Append('\n');
        return s.ToString();
    }

    /// <summary>The plain-language paragraph that ends <see cref="ToMarkdown"/>.</summary>
    public string Summary()
    {
        float top = Epsilons[^1];
        RobustnessResult worst = Results[0];
        foreach (var r in Results)
            if (r.Epsilon == top && (worst.Epsilon != top || r.RobustAccuracy < worst.RobustAccuracy)) worst = r;
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"**Summary.** On {SampleCount:N0} samples it has not been trained on, the model is right {Percent(CleanAccuracy)} of the time. ");
        if (top > 0f)
        {
            string share = float.IsFinite(InputMin) && float.IsFinite(InputMax) && InputMax > InputMin
                ? $" ({Number(top / (InputMax - InputMin) * 100, "0.#")} % of the input range)"
                : "";
            s.Append(CultureInfo.InvariantCulture,
                $"An attacker who knows the model and may change every input value by at most {Format(top)}{share} — " +
                $"changes this small are usually hard for a person to notice — brings that down to {Percent(worst.RobustAccuracy)} " +
                $"with the strongest attack tested ({Label(worst.Attack)}), turning {Percent(worst.AttackSuccessRate)} of the correct answers into wrong ones. ");
            float? halved = null;
            foreach (float e in Epsilons)
                if (e > 0f && Results.Any(r => r.Epsilon == e && r.RobustAccuracy <= CleanAccuracy / 2)) { halved = e; break; }
            s.Append(halved is float h
                ? $"Accuracy falls to half of the clean accuracy or less from a budget of {Format(h)}. "
                : "Accuracy does not halve at any budget tested. ");
        }
        s.Append(AllChecksPassed
            ? "All sanity checks of the measurement passed."
            : $"{Checks.Count(c => !c.Passed)} sanity check(s) failed, so these numbers should not be relied on until the cause is found.");
        s.Append(" The figures are empirical: they show what these attacks achieved, not a guarantee against stronger ones.");
        return s.ToString();
    }

    /// <summary>
    /// The report as indented JSON (<see cref="Utf8JsonWriter"/>, culture-independent numbers): model,
    /// samples, input range, clean accuracy, loss sensitivity, settings, one object per result
    /// (<c>attack, epsilon, robustAccuracy, attackSuccessRate, meanLinf, meanL2, robustCorrect, flipped</c>;
    /// NaN is written as null), the checks and <c>allChecksPassed</c>.
    /// </summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            WriteJson(w);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the object that <see cref="ToJson"/> returns to <paramref name="writer"/>.</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var w = writer;
        w.WriteStartObject();
        w.WriteString("model", ModelName);
        w.WriteNumber("samples", SampleCount);
        w.WriteNumber("inputSize", InputSize);
        WriteNumber(w, "inputMin", InputMin);
        WriteNumber(w, "inputMax", InputMax);
        w.WriteNumber("cleanAccuracy", CleanAccuracy);
        w.WriteNumber("lossSensitivity", LossSensitivity);
        w.WriteStartObject("settings");
        w.WriteStartArray("epsilons");
        foreach (float e in Epsilons) w.WriteNumberValue(e);
        w.WriteEndArray();
        w.WriteStartArray("attacks");
        foreach (var a in Attacks) w.WriteStringValue(Label(a));
        w.WriteEndArray();
        w.WriteNumber("pgdSteps", PgdSteps);
        w.WriteNumber("pgdStepFactor", PgdStepFactor);
        w.WriteBoolean("pgdRandomStart", PgdRandomStart);
        w.WriteNumber("seed", Seed);
        w.WriteEndObject();
        w.WriteStartArray("results");
        foreach (var r in Results)
        {
            w.WriteStartObject();
            w.WriteString("attack", Label(r.Attack));
            w.WriteNumber("epsilon", r.Epsilon);
            w.WriteNumber("robustAccuracy", r.RobustAccuracy);
            WriteNumber(w, "attackSuccessRate", r.AttackSuccessRate);
            w.WriteNumber("meanLinf", r.MeanLinf);
            w.WriteNumber("meanL2", r.MeanL2);
            w.WriteNumber("robustCorrect", r.RobustCorrect);
            w.WriteNumber("flipped", r.Flipped);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("checks");
        foreach (var c in Checks)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteBoolean("passed", c.Passed);
            w.WriteString("detail", c.Detail);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteBoolean("allChecksPassed", AllChecksPassed);
        w.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }

    /// <summary>
    /// A stand-alone SVG line chart of robust accuracy (y, 0–100 %) against ε (x), one
    /// <c>&lt;polyline&gt;</c> per attack with a marker per ε, a dashed line at the clean accuracy, axes,
    /// ticks and a legend.
    /// </summary>
    public string ToSvg() => ToSvg([(null, this)]);

    /// <summary>
    /// As <see cref="ToSvg()"/>, several reports in one chart (for example a model before and after
    /// adversarial training): one <c>&lt;polyline&gt;</c> per report and attack, labelled
    /// <c>"label · attack"</c>, and one dashed clean-accuracy line per report.
    /// </summary>
    /// <param name="reports">The reports and their legend labels.</param>
    public static string ToSvg(IReadOnlyList<(string? Label, RobustnessReport Report)> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0) throw new ArgumentException("expected at least one report.", nameof(reports));
        return Svg.Chart(reports);
    }

    private static class Svg
    {
        private const double Width = 720, Height = 420, Left = 70, Right = 250, Top = 40, Bottom = 60;
        private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
        private static readonly string[] Dashes = ["", "6 3", "2 3"];

        public static string Chart(IReadOnlyList<(string? Label, RobustnessReport Report)> reports)
        {
            double xMax = reports.Max(r => (double)r.Report.Epsilons[^1]);
            double xStep = NiceStep(xMax > 0 ? xMax : 1, 5);
            xMax = xMax > 0 ? Math.Ceiling(xMax / xStep - 1e-6) * xStep : 1;
            double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
            double X(double e) => Left + e / xMax * plotW;
            double Y(double a) => Top + (1 - a) * plotH;

            var s = new StringBuilder();
            s.Append(CultureInfo.InvariantCulture,
                $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(Width)}\" height=\"{N(Height)}\" viewBox=\"0 0 {N(Width)} {N(Height)}\" font-family=\"sans-serif\" font-size=\"12\">\n");
            string title = reports.Count == 1 ? $"Robust accuracy of {reports[0].Report.ModelName} vs attack budget ε" : "Robust accuracy vs attack budget ε";
            s.Append(CultureInfo.InvariantCulture, $"  <title>{Escape(title)}</title>\n");
            s.Append(CultureInfo.InvariantCulture, $"  <rect width=\"{N(Width)}\" height=\"{N(Height)}\" fill=\"white\"/>\n");
            s.Append(CultureInfo.InvariantCulture, $"  <text x=\"{N(Left + plotW / 2)}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{Escape(title)}</text>\n");

            // Grid, ticks and tick labels.
            s.Append("  <g class=\"y-ticks\" stroke=\"#ddd\">\n");
            for (int k = 0; k <= 5; k++)
            {
                double a = k / 5.0, y = Y(a);
                s.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(Left)}\" y1=\"{N(y)}\" x2=\"{N(Left + plotW)}\" y2=\"{N(y)}\"/>\n");
                s.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(Left - 5)}\" y1=\"{N(y)}\" x2=\"{N(Left)}\" y2=\"{N(y)}\" stroke=\"black\"/>\n");
                s.Append(CultureInfo.InvariantCulture, $"    <text x=\"{N(Left - 8)}\" y=\"{N(y + 4)}\" text-anchor=\"end\" stroke=\"none\" fill=\"black\">{k * 20} %</text>\n");
            }
            s.Append("  </g>\n  <g class=\"x-ticks\" stroke=\"#ddd\">\n");
            for (int k = 0; k * xStep <= xMax + 1e-12; k++)
            {
                double e = k * xStep, x = X(e);
                s.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(x)}\" y1=\"{N(Top)}\" x2=\"{N(x)}\" y2=\"{N(Top + plotH)}\"/>\n");
                s.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(x)}\" y1=\"{N(Top + plotH)}\" x2=\"{N(x)}\" y2=\"{N(Top + plotH + 5)}\" stroke=\"black\"/>\n");
                s.Append(CultureInfo.InvariantCulture, $"    <text x=\"{N(x)}\" y=\"{N(Top + plotH + 19)}\" text-anchor=\"middle\" stroke=\"none\" fill=\"black\">{Math.Round(e, 10).ToString("0.###", CultureInfo.InvariantCulture)}</text>\n");
            }
            s.Append("  </g>\n");

            // Axes and their labels.
            s.Append(CultureInfo.InvariantCulture, $"  <line class=\"axis\" x1=\"{N(Left)}\" y1=\"{N(Top + plotH)}\" x2=\"{N(Left + plotW)}\" y2=\"{N(Top + plotH)}\" stroke=\"black\"/>\n");
            s.Append(CultureInfo.InvariantCulture, $"  <line class=\"axis\" x1=\"{N(Left)}\" y1=\"{N(Top)}\" x2=\"{N(Left)}\" y2=\"{N(Top + plotH)}\" stroke=\"black\"/>\n");
            s.Append(CultureInfo.InvariantCulture, $"  <text x=\"{N(Left + plotW / 2)}\" y=\"{N(Height - 18)}\" text-anchor=\"middle\">attack budget ε (largest change per input value, L∞)</text>\n");
            s.Append(CultureInfo.InvariantCulture, $"  <text x=\"18\" y=\"{N(Top + plotH / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {N(Top + plotH / 2)})\">robust accuracy</text>\n");

            // Series and legend.
            var legend = new StringBuilder();
            double legendY = Top + 8;
            int color = 0;
            for (int r = 0; r < reports.Count; r++)
            {
                var (label, report) = reports[r];
                string dash = Dashes[r % Dashes.Length];
                string dashAttr = dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "";
                foreach (var attack in report.Attacks)
                {
                    string c = Colors[color++ % Colors.Length];
                    string name = (label is null ? "" : label + " · ") + report.Label(attack);
                    var points = new StringBuilder();
                    var markers = new StringBuilder();
                    foreach (var res in report.Results)
                    {
                        if (res.Attack != attack) continue;
                        double x = X(res.Epsilon), y = Y(res.RobustAccuracy);
                        points.Append(CultureInfo.InvariantCulture, $"{N(x)},{N(y)} ");
                        markers.Append(CultureInfo.InvariantCulture,
                            $"    <circle cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"3\" fill=\"{c}\"><title>{Escape(name)}, ε = {Format(res.Epsilon)}: {Percent(res.RobustAccuracy)}</title></circle>\n");
                    }
                    s.Append(CultureInfo.InvariantCulture, $"  <g class=\"series\">\n    <polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\"{dashAttr} points=\"{points.ToString().TrimEnd()}\"><title>{Escape(name)}</title></polyline>\n");
                    s.Append(markers);
                    s.Append("  </g>\n");
                    legend.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(Width - Right + 15)}\" y1=\"{N(legendY)}\" x2=\"{N(Width - Right + 40)}\" y2=\"{N(legendY)}\" stroke=\"{c}\" stroke-width=\"2\"{dashAttr}/>\n");
                    legend.Append(CultureInfo.InvariantCulture, $"    <text x=\"{N(Width - Right + 46)}\" y=\"{N(legendY + 4)}\">{Escape(name)}</text>\n");
                    legendY += 20;
                }
                string cleanName = (label is null ? "" : label + " · ") + "clean " + Percent(report.CleanAccuracy);
                s.Append(CultureInfo.InvariantCulture,
                    $"  <line class=\"clean\" x1=\"{N(Left)}\" y1=\"{N(Y(report.CleanAccuracy))}\" x2=\"{N(Left + plotW)}\" y2=\"{N(Y(report.CleanAccuracy))}\" stroke=\"#888\" stroke-dasharray=\"4 4\"/>\n");
                legend.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(Width - Right + 15)}\" y1=\"{N(legendY)}\" x2=\"{N(Width - Right + 40)}\" y2=\"{N(legendY)}\" stroke=\"#888\" stroke-dasharray=\"4 4\"/>\n");
                legend.Append(CultureInfo.InvariantCulture, $"    <text x=\"{N(Width - Right + 46)}\" y=\"{N(legendY + 4)}\">{Escape(cleanName)}</text>\n");
                legendY += 26;
            }
            s.Append("  <g class=\"legend\">\n").Append(legend).Append("  </g>\n</svg>\n");
            return s.ToString();
        }

        /// <summary>A step of 1, 2 or 5 × 10ᵏ giving about <paramref name="ticks"/> intervals over <paramref name="range"/>.</summary>
        private static double NiceStep(double range, int ticks)
        {
            double raw = range / ticks, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw))), m = raw / magnitude;
            return (m <= 1 + 1e-6 ? 1 : m <= 2 + 1e-6 ? 2 : m <= 5 + 1e-6 ? 5 : 10) * magnitude;
        }

        private static string N(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);

        private static string Escape(string text) =>
            text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
                .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
    }
}
