using System;
using System.Collections.Generic;
using System.Linq;

namespace Axon.Data.Tabular;

/// <summary>
/// Splits that keep each class's share: a rare class (5 % fraud) ends up in every part at about 5 %, which a
/// plain random split does not promise on a few thousand rows. Seeded with <see cref="Rng"/>, so a seed gives
/// the same split on every machine and .NET version.
/// </summary>
public static class StratifiedSplit
{
    /// <summary>
    /// Holds out <c>round(testFraction · n_c)</c> rows of each class c (chosen at random from <paramref name="seed"/>)
    /// as the test part; the rest is the training part. Both lists are sorted.
    /// </summary>
    /// <param name="labels">Class index (≥ 0) per row.</param>
    /// <param name="testFraction">In (0, 1).</param>
    /// <param name="seed">Seed of the shuffles.</param>
    /// <param name="rows">Only these rows are split (e.g. a training part split again into training and validation); default: all rows.</param>
    /// <returns>Row numbers (indices into <paramref name="labels"/>) of the two parts.</returns>
    public static (int[] Train, int[] Test) Split(ReadOnlySpan<int> labels, double testFraction, long seed, int[]? rows = null)
    {
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must be in (0, 1).");
        var rng = new Rng(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (var members in ByClass(labels, rows))
        {
            rng.Shuffle(members.AsSpan());
            int held = (int)Math.Round(members.Length * testFraction, MidpointRounding.AwayFromZero);
            test.AddRange(members.Take(held));
            train.AddRange(members.Skip(held));
        }
        train.Sort();
        test.Sort();
        return ([.. train], [.. test]);
    }

    /// <summary>
    /// Stratified k-fold: each class's rows are shuffled from <paramref name="seed"/> and dealt to the folds in
    /// turn (continuing from where the previous class stopped), so fold sizes differ by at most one and each fold
    /// keeps every class's share within one row. Fold f tests on its rows and trains on all others.
    /// </summary>
    /// <param name="labels">Class index (≥ 0) per row.</param>
    /// <param name="folds">k ≥ 2.</param>
    /// <param name="seed">Seed of the shuffles.</param>
    /// <param name="rows">Only these rows are used; default: all rows.</param>
    /// <returns>k pairs of sorted row lists; the test parts are disjoint and cover the rows.</returns>
    public static (int[] Train, int[] Test)[] KFold(ReadOnlySpan<int> labels, int folds, long seed, int[]? rows = null)
    {
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, "k-fold needs at least 2 folds.");
        var rng = new Rng(seed);
        var assigned = Enumerable.Range(0, folds).Select(_ => new List<int>()).ToArray();
        int next = 0;
        var all = new List<int>();
        foreach (var members in ByClass(labels, rows))
        {
            rng.Shuffle(members.AsSpan());
            foreach (int row in members) { assigned[next].Add(row); next = (next + 1) % folds; }
            all.AddRange(members);
        }
        if (all.Count < folds) throw new ArgumentException($"{folds} folds need at least {folds} rows; {all.Count} given.", nameof(labels));
        all.Sort();
        return assigned.Select(test =>
        {
            test.Sort();
            var held = new HashSet<int>(test);
            return (all.Where(r => !held.Contains(r)).ToArray(), test.ToArray());
        }).ToArray();
    }

    /// <summary>The rows of each class, classes in ascending order.</summary>
    private static List<int[]> ByClass(ReadOnlySpan<int> labels, int[]? rows)
    {
        var byClass = new SortedDictionary<int, List<int>>();
        int n = rows?.Length ?? labels.Length;
        for (int i = 0; i < n; i++)
        {
            int row = rows is null ? i : rows[i];
            if ((uint)row >= (uint)labels.Length)
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"row {row} is outside the {labels.Length} labels.");
            int label = labels[row];
            if (label < 0) throw new ArgumentException($"labels[{row}] is {label}; expected a class index ≥ 0.", nameof(labels));
            if (!byClass.TryGetValue(label, out var list)) byClass[label] = list = [];
            list.Add(row);
        }
        return byClass.Values.Select(l => l.ToArray()).ToList();
    }
}
