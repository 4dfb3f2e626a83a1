using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Axon.Recommenders;
using Axon.Examples;
using RecommenderExample;

var folderArgument = ExampleCommandLine.DataFolder("MovieLens folder with ratings.csv and movies.csv (default: the committed latest-small)");
var jsonOption = new Option<string?>("--json") { Description = "Also write every table row to this file as a JSON array" };
var foldsOption = ExampleCommandLine.PositiveInt("--folds", 5, "Cross-validation folds of the rating table (at least 2)");
foldsOption.Validators.Add(r => { if (r.Tokens.Count == 1 && r.Tokens[0].Value == "1") r.AddError("--folds expects at least 2 folds, but was given 1"); });
var seedOption = new Option<long>("--seed") { Description = "Seed of the folds, the split and the models", DefaultValueFactory = _ => 1 };
var userOption = new Option<long>("--user") { Description = "Raw MovieLens user id whose recommendations are shown", DefaultValueFactory = _ => 1 };
var epochsOption = ExampleCommandLine.PositiveInt("--mf-epochs", new LessonSettings().MfEpochs, "Epochs of biased MF");
var decayOption = new Option<float>("--mf-decay") { Description = "Weight decay λ of the MF factors", DefaultValueFactory = _ => new LessonSettings().MfFactorDecay };
var command = new RootCommand("Lesson 6: collaborative filtering on MovieLens: baselines, KNN, matrix factorisation, neural CF, implicit feedback, top-N.")
{
    folderArgument, jsonOption, foldsOption, seedOption, userOption, epochsOption, decayOption,
};
if (ExampleCommandLine.Parse(command, args, out int exitCode) is not { } parse) return exitCode;

var total = Stopwatch.StartNew();
string dir = parse.GetValue(folderArgument)?.FullName ?? Path.Combine(AppContext.BaseDirectory, "data", "movielens-latest-small");
var ratings = MovieLens.Load(dir);
var defaults = new LessonSettings();
var settings = defaults with
{
    Folds = parse.GetValue(foldsOption),
    Seed = parse.GetValue(seedOption),
    MfEpochs = parse.GetValue(epochsOption),
    MfFactorDecay = parse.GetValue(decayOption),
};
Console.WriteLine($"MovieLens: {ratings.Count:N0} ratings, {ratings.UserCount} users, {ratings.ItemCount:N0} movies (μ = {ratings.GlobalMean():F3})");
Console.WriteLine($"\nRating prediction, {settings.Folds}-fold cross-validation (same folds for every algorithm):");
var rating = Lesson.RatingTable(ratings, settings, Console.Out);
Console.WriteLine("\nTop-10 ranking, leave-last-out (each user's latest rating held out; items already rated excluded):");
var ranking = Lesson.RankingTable(ratings, settings, Console.Out);

long raw = parse.GetValue(userOption);
int user = ratings.Catalog.UserIndex(raw);
if (user < 0)
{
    Console.Error.WriteLine($"--user {raw} is not a user of this data set (raw ids {ratings.Catalog.RawUserId(0)}, …)");
    return ExampleCommandLine.UsageError;
}
var mf = Lesson.BiasedMf(settings);
mf.Fit(ratings);
var recommender = new Recommender(mf, ratings);
var top = recommender.Recommend(user, 10);
var scores = new float[ratings.ItemCount];
((IRatingPredictor)mf).ScoreItems(user, scores);   // unclipped: several land above 5 stars
var liked = Enumerable.Range(0, ratings.Count).Where(r => ratings.Users[r] == user)
    .OrderByDescending(r => ratings.Values[r]).ThenBy(r => r).Take(10).ToArray();
Console.WriteLine($"\nUser {raw}: biased MF's top 10 (trained on all ratings; score before clipping to 5)  |  rated highest by the user");
for (int k = 0; k < 10; k++)
{
    string left = k < top.Length ? $"{scores[top[k]]:F2}  {ratings.Catalog.Title(top[k])}" : "";
    string right = k < liked.Length ? $"{ratings.Values[liked[k]]:F1}  {ratings.Catalog.Title(ratings.Items[liked[k]])}" : "";
    Console.WriteLine($"  {Trim(left, 52),-52} | {Trim(right, 52)}");
}
int toy = Math.Max(0, ratings.Catalog.ItemIndex(1));   // Toy Story in MovieLens
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

static string Trim(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
