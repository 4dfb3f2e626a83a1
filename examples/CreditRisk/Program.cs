// Lesson 4: tables with categories, and a rare outcome. Credit risk on 9,857 real Lending Club loans.
//
//   dotnet run -c Release --project examples/CreditRisk [-- [--epochs N] [--batch B] [--splits S]]
//
// 1. Several inputs: each categorical column is an input member of integer ids,
//    [Input(1, Ids = true)] public partial Layer State { get; }, read by its own Embedding; the numeric
//    columns are one more input member. A sample's row is the members end to end: the library's
//    TabularPipeline writes it (CategoryIds for the ids, Numeric for the numbers; LendingClub.Pipeline).
// 2. Concat joins the embeddings and the numbers; Dense layers follow; one logit out with
//    Loss.BinaryCrossEntropy (which applies the sigmoid itself: no Sigmoid on the output).
// 3. Only 5.2 % of the loans went bad, so accuracy says little: calling every loan good is 94.8 %
//    right. Report how well the model ranks the loans instead: ROC-AUC (0.5 is chance) and the area
//    under the precision-recall curve (chance is the bad rate), with Axon.Metrics.BinaryRanking.
// 4. Compare with the same layers on the numeric columns alone: that difference is what the embeddings add.
// 5. With --robustness: PGD-40 and the standard attack suite (APGD-CE, Square) against CreditRiskNet, with the ids never
//    perturbed and ε in standard deviations; the report lists the numeric columns the attacks moved most.
using System;
using System.CommandLine;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using CreditRiskExample;
using Axon.Examples;

var epochsOption = ExampleCommandLine.PositiveInt("--epochs", 10, "Training epochs");
var batchOption = ExampleCommandLine.PositiveInt("--batch", 64, "Samples per training step");
var splitsOption = ExampleCommandLine.PositiveInt("--splits", 3, "Stratified 80/20 splits to average over");
var robustnessOption = new Option<bool>("--robustness") { Description = "Then attack CreditRiskNet (split 1) with PGD and the standard suite; ε in standard deviations of the numeric columns" };
var command = new RootCommand("Lesson 4: Lending Club loans, categorical columns through embeddings; ROC-AUC and PR-AUC over stratified splits.")
{
    epochsOption, batchOption, splitsOption, robustnessOption,
};
if (ExampleCommandLine.Parse(command, args, out int exitCode) is not { } parsed) return exitCode;
int epochs = parsed.GetValue(epochsOption), batch = parsed.GetValue(batchOption), splits = parsed.GetValue(splitsOption);

string path = LendingClub.FindFile();
var table = LendingClub.Read(path);
var labels = LendingClub.Labels(table);
Console.WriteLine($"data: {path}: {table.RowCount:N0} loans, {labels.Sum():N0} bad");
Console.WriteLine(CreditRiskNet.Summary);
Console.WriteLine();

// With ~100 bad loans in a test set, one split's AUC moves by a few hundredths from split to split:
// every split seed 1..S gives a fresh 80/20 stratified split (both parts keep the bad rate), and
// the models train on each with that seed. Ids and scaling are learned on the 80 % only.
var results = new List<(long Seed, RiskScore Embedded, RiskScore Numeric, double SecondsEmbedded, double SecondsNumeric)>();
for (long seed = 1; seed <= splits; seed++)
{
    var (trainRows, testRows) = LendingClub.Split(labels, 0.2, seed);
    var embedded = Run(new CreditRiskNet(), withIds: true);
    var numeric = Run(new NumericRiskNet(), withIds: false);
    results.Add((seed, embedded.Score, numeric.Score, embedded.Seconds, numeric.Seconds));
    Console.WriteLine($"split {seed}: {trainRows.Length:N0} training, {testRows.Length:N0} test ({testRows.Count(r => labels[r] == 1)} bad); "
        + $"ROC-AUC {embedded.Score.RocAuc:F4} with embeddings, {numeric.Score.RocAuc:F4} numbers only");

    (double Seconds, RiskScore Score) Run(Axon.IModel model, bool withIds)
    {
        var pipeline = LendingClub.Pipeline(withIds);
        var (train, test) = LendingClub.Encode(pipeline, table, trainRows, testRows);   // fitted on the 80 % only
        pipeline.CheckWidth(model);
        var clock = Stopwatch.StartNew();
        Scoring.Train(model, train, epochs, batch, seed);
        return (clock.Elapsed.TotalSeconds, Scoring.Evaluate(model, test));
    }
}

Console.WriteLine();
Console.WriteLine($"Held-out loans, mean (min-max) over {splits} splits; {epochs} epochs, batch {batch}, Adam 1e-3:");
Console.WriteLine();
Console.WriteLine("| model | parameters | training | ROC-AUC | PR-AUC | bad loans in the riskiest 10 % | accuracy |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
Console.WriteLine(Row("CreditRiskNet (embeddings + numbers)", CreditRiskNet.ParameterCount, results.Select(r => (r.SecondsEmbedded, r.Embedded)).ToList()));
Console.WriteLine(Row("NumericRiskNet (numbers only)", NumericRiskNet.ParameterCount, results.Select(r => (r.SecondsNumeric, r.Numeric)).ToList()));
Console.WriteLine($"| chance; every loan called good | | | 0.5 | {results.Average(r => r.Embedded.BadRate):F4} | 0.10 | {results.Average(r => r.Embedded.BaselineAccuracy):F4} |");

if (parsed.GetValue(robustnessOption))
{
    // 5. How far must an applicant move their numbers to change the model's answer? The ids (grade, state, ...) are
    //    never perturbed (Ids = true) and the numbers stay in their declared range ([-5, 5] standard deviations), so
    //    ε is in standard deviations of each numeric column: a unit a risk officer reads directly.
    var (trainRows, testRows) = LendingClub.Split(labels, 0.2, 1);
    var pipeline = LendingClub.Pipeline(withIds: true);
    var (train, test) = LendingClub.Encode(pipeline, table, trainRows, testRows);
    var model = new CreditRiskNet();
    Scoring.Train(model, train, epochs, batch, 1);
    var report = Axon.Adversarial.RobustnessReport.Run(model, test, new Axon.Adversarial.RobustnessOptions
    {
        Epsilons = [0f, 0.1f, 0.25f, 0.5f],
        L2Epsilons = [0f, 0.5f, 1f, 2f],
        Attacks = [Axon.Adversarial.RobustnessAttack.Pgd, Axon.Adversarial.RobustnessAttack.Standard, Axon.Adversarial.RobustnessAttack.StandardL2],
        PgdSteps = 40,
        FeatureNames = pipeline.FeatureNames,
    });
    Console.WriteLine();
    Console.WriteLine(report.ToMarkdown("CreditRiskNet (split 1; ε in standard deviations)"));
}

return 0;

static string Row(string name, int parameters, List<(double Seconds, RiskScore Score)> runs)
{
    string Stat(Func<RiskScore, double> f, string format) =>
        $"{runs.Average(r => f(r.Score)).ToString(format)} ({runs.Min(r => f(r.Score)).ToString(format)}-{runs.Max(r => f(r.Score)).ToString(format)})";
    return $"| {name} | {parameters:N0} | {runs.Average(r => r.Seconds):F1} s | {Stat(s => s.RocAuc, "F3")} | {Stat(s => s.AveragePrecision, "F3")} "
        + $"| {Stat(s => s.CaughtInTopDecile, "F2")} | {Stat(s => s.Accuracy, "F4")} |";
}
