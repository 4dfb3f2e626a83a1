using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Axon.Recommenders;
using RecommenderExample;
using Axon.Examples;

var dataOption = new Option<string?>("--data") { Description = "MovieLens directory (ratings.csv, movies.csv). Default: the committed latest-small." };
var jsonOption = new Option<string?>("--json") { Description = "Also write every table row to this file as a JSON array." };
var foldsOption = new Option<int>("--folds") { Description = "Cross-validation folds of the rating table.", DefaultValueFactory = _ => 5 };
var seedOption = new Option<long>("--seed") { Description = "Seed of the folds, the split and the models.", DefaultValueFactory = _ => 1 };
var userOption = new Option<long>("--user") { Description = "Raw MovieLens user id whose recommendations are shown.", DefaultValueFactory = _ => 1 };
var epochsOption = new Option<int?>("--mf-epochs") { Description = "Epochs of biased MF (default 20)." };
var decayOption = new Option<float?>("--mf-decay") { Description = "Weight decay of the MF factors (default 0.05)." };
var root = new RootCommand("Lesson 6: collaborative filtering on MovieLens: KNN, baselines, matrix factorisation, neural CF, top-N.")
{
    dataOption, jsonOption, foldsOption, seedOption, userOption, epochsOption, decayOption,
};
root.SetAction(parse =>
{
    var total = Stopwatch.StartNew();
    string dir = parse.GetValue(dataOption) ?? Path.Combine(AppContext.BaseDirectory, "data", "movielens-latest-small");
    var ratings = MovieLens.Load(dir);
    var defaults = new LessonSettings();
    var settings = defaults with
    {
        Folds = parse.GetValue(foldsOption),
        Seed = parse.GetValue(seedOption),
        MfEpochs = parse.GetValue(epochsOption) ?? defaults.MfEpochs,
        MfFactorDecay = parse.GetValue(decayOption) ?? defaults.MfFactorDecay,
    };
    Console.WriteLine($"MovieLens: {ratings.Count:N0} ratings, {ratings.UserCount} users, {ratings.ItemCount:N0} movies (μ = {ratings.GlobalMean():F3})");
    Console.WriteLine($"\nRating prediction, {settings.Folds}-fold cross-validation (same folds for every algorithm):");
    var rating = Lesson.RatingTable(ratings, settings, Console.Out);
    Console.WriteLine("\nTop-10 ranking, leave-last-out (each user's latest rating held out; items already rated excluded):");
    var ranking = Lesson.RankingTable(ratings, settings, Console.Out);

    long raw = parse.GetValue(userOption);
    int user = ratings.Catalog.UserIndex(raw);
    if (user < 0) throw new ArgumentException($"--user {raw} is not a user of this data set.");
    var mf = Lesson.BiasedMf(settings);
    mf.Fit(ratings);
    var recommender = new Recommender(mf, ratings);
    var top = recommender.Recommend(user, 10);
    var liked = Enumerable.Range(0, ratings.Count).Where(r => ratings.Users[r] == user)
        .OrderByDescending(r => ratings.Values[r]).ThenBy(r => r).Take(10).ToArray();
    Console.WriteLine($"\nUser {raw}: biased MF's top 10 (trained on all ratings)  |  rated highest by the user");
    for (int k = 0; k < 10; k++)
    {
        string left = k < top.Length ? $"{mf.Predict(user, top[k]):F2}  {ratings.Catalog.Title(top[k])}" : "";
        string right = k < liked.Length ? $"{ratings.Values[liked[k]]:F1}  {ratings.Catalog.Title(ratings.Items[liked[k]])}" : "";
        Console.WriteLine($"  {Trim(left, 52),-52} | {Trim(right, 52)}");
    }
    int toy = ratings.Catalog.ItemIndex(1);
    Console.WriteLine($"\nMost similar to {ratings.Catalog.Title(toy)} (cosine of MF item factors): " +
        string.Join("; ", recommender.SimilarItems(toy, 5).Select(ratings.Catalog.Title)));

    string? json = parse.GetValue(jsonOption);
    if (json is not null)
    {
        var rows = rating.Concat(ranking).Select(r => new
        {
            table = r.Table, algorithm = r.Algorithm, rmse = r.Rmse, mae = r.Mae,
            ndcg_at_10 = r.NdcgAt10, hit_rate_at_10 = r.HitRateAt10, fit_seconds = r.FitSeconds,
        });
        File.WriteAllText(json, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"\nWrote {json}");
    }
    Console.WriteLine($"\nTotal {total.Elapsed.TotalSeconds:F1} s");
    return 0;
});
// The shared command line (examples/README.md): one line and exit code 2 for a bad value or missing data.
return ExampleCommandLine.Parse(root, args, out int exitCode) is { } parsed ? parsed.Invoke() : exitCode;

static string Trim(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
