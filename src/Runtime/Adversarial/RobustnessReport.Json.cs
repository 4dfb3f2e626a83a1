using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Axon.Data;

namespace Axon.Adversarial;

// The report as JSON (Utf8JsonWriter, culture-independent numbers).
public sealed partial class RobustnessReport
{
    /// <summary>
    /// The report as indented JSON (<see cref="Utf8JsonWriter"/>, culture-independent numbers): model,
    /// samples, input range, clean accuracy, loss sensitivity, empirical robustness, settings, one object per result
    /// (<c>attack, norm, epsilon, robustAccuracy, attackSuccessRate, meanLinf, meanL2, robustCorrect, flipped</c>),
    /// one per minimal-perturbation attack (<c>attack, attempted, found, meanL2, medianL2, meanLinf, meanRelativeL2</c>),
    /// the checks and <c>allChecksPassed</c>. NaN is written as null.
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
        WriteNumber(w, "empiricalRobustness", EmpiricalRobustness);
        w.WriteNumber("squareOnly", SquareOnly);
        w.WriteString("movedFeaturesAttack", MovedFeaturesAttack);
        w.WriteStartArray("movedFeatures");
        foreach (var m in MovedFeatures)
        {
            w.WriteStartObject();
            w.WriteString("name", m.Name);
            w.WriteNumber("column", m.Column);
            w.WriteNumber("meanChange", m.MeanChange);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("settings");
        w.WriteStartArray("epsilons");
        foreach (float e in Epsilons) w.WriteNumberValue(e);
        w.WriteEndArray();
        w.WriteStartArray("l2Epsilons");
        foreach (float e in L2Epsilons) w.WriteNumberValue(e);
        w.WriteEndArray();
        w.WriteStartArray("attacks");
        foreach (var a in Attacks) w.WriteStringValue(Label(a));
        w.WriteEndArray();
        w.WriteNumber("pgdSteps", PgdSteps);
        w.WriteNumber("pgdStepFactor", PgdStepFactor);
        w.WriteBoolean("pgdRandomStart", PgdRandomStart);
        w.WriteNumber("pgdRestarts", PgdRestarts);
        w.WriteNumber("miFgsmSteps", MiFgsmSteps);
        w.WriteNumber("miFgsmDecay", MiFgsmDecay);
        w.WriteNumber("deepFoolOvershoot", DeepFoolOvershoot);
        w.WriteNumber("deepFoolMaxIterations", DeepFoolMaxIterations);
        w.WriteStartObject("carliniWagner");
        w.WriteNumber("initialC", CarliniWagner.InitialC);
        w.WriteNumber("binarySearchSteps", CarliniWagner.BinarySearchSteps);
        w.WriteNumber("steps", CarliniWagner.Steps);
        w.WriteNumber("learningRate", CarliniWagner.LearningRate);
        w.WriteNumber("kappa", CarliniWagner.Kappa);
        w.WriteEndObject();
        w.WriteNumber("seed", Seed);
        w.WriteEndObject();
        w.WriteStartArray("results");
        foreach (var r in Results)
        {
            w.WriteStartObject();
            w.WriteString("attack", Label(r.Attack));
            w.WriteString("norm", r.Norm == AttackNorm.L2 ? "L2" : "Linf");
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
        w.WriteStartArray("minimalPerturbations");
        foreach (var m in MinimalPerturbations)
        {
            w.WriteStartObject();
            w.WriteString("attack", Label(m.Attack));
            w.WriteNumber("attempted", m.Attempted);
            w.WriteNumber("found", m.Found);
            WriteNumber(w, "meanL2", m.MeanL2);
            WriteNumber(w, "medianL2", m.MedianL2);
            WriteNumber(w, "meanLinf", m.MeanLinf);
            WriteNumber(w, "meanRelativeL2", m.MeanRelativeL2);
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
}
