using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using nietras.SeparatedValues;

namespace Axon.Recommenders;

/// <summary>
/// Reads the MovieLens CSV format (GroupLens's <c>ml-latest</c> and <c>ml-latest-small</c>):
/// <c>ratings.csv</c> with the header <c>userId,movieId,rating,timestamp</c> and, optionally,
/// <c>movies.csv</c> with <c>movieId,title,genres</c> (titles may be quoted and contain commas).
/// </summary>
public static class MovieLens
{
    /// <summary>
    /// Loads <c>ratings.csv</c> (and the titles from <c>movies.csv</c> when it is there) from
    /// <paramref name="directory"/>. Users and items get dense indices in order of first appearance in
    /// the file; the rating scale is the smallest and largest rating present.
    /// </summary>
    /// <exception cref="FileNotFoundException"><c>ratings.csv</c> is missing.</exception>
    /// <exception cref="InvalidDataException">A header or a value is not what the format says, with the line that is wrong.</exception>
    public static Ratings Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string ratingsPath = Path.Combine(directory, "ratings.csv");
        if (!File.Exists(ratingsPath))
            throw new FileNotFoundException($"no ratings.csv in '{directory}'; expected a MovieLens directory (ratings.csv, movies.csv).", ratingsPath);
        string moviesPath = Path.Combine(directory, "movies.csv");
        var titles = File.Exists(moviesPath) ? ReadTitles(moviesPath) : null;
        return ReadRatings(ratingsPath, titles);
    }

    /// <summary>Reads ratings in the <c>userId,movieId,rating,timestamp</c> format from <paramref name="ratingsCsv"/>.</summary>
    /// <exception cref="InvalidDataException">A header or a value is not what the format says.</exception>
    public static Ratings ReadRatings(string ratingsCsv, IReadOnlyDictionary<long, string>? titles = null)
    {
        var users = new List<long>();
        var items = new List<long>();
        var values = new List<float>();
        var times = new List<long>();
        using (var reader = Sep.Reader(o => o with { CultureInfo = CultureInfo.InvariantCulture }).FromFile(ratingsCsv))
        {
            RequireColumns(reader, ratingsCsv, "userId", "movieId", "rating", "timestamp");
            foreach (var row in reader)
            {
                int line = row.LineNumberFrom;
                users.Add(ParseLong(row["userId"].Span, ratingsCsv, line, "userId"));
                items.Add(ParseLong(row["movieId"].Span, ratingsCsv, line, "movieId"));
                var text = row["rating"].Span;
                if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float rating) || !float.IsFinite(rating))
                    throw new InvalidDataException($"{ratingsCsv}, line {line}: rating '{text}' is not a finite number.");
                values.Add(rating);
                times.Add(ParseLong(row["timestamp"].Span, ratingsCsv, line, "timestamp"));
            }
        }
        if (values.Count == 0)
            throw new InvalidDataException($"{ratingsCsv} has a header but no ratings.");
        return Ratings.FromRaw(users.ToArray(), items.ToArray(), values.ToArray(), times.ToArray(), titles);
    }

    /// <summary>Reads <c>movieId → title</c> from a <c>movieId,title,genres</c> file (quoted titles unescaped).</summary>
    public static Dictionary<long, string> ReadTitles(string moviesCsv)
    {
        var titles = new Dictionary<long, string>();
        using var reader = Sep.Reader(o => o with { Unescape = true, CultureInfo = CultureInfo.InvariantCulture }).FromFile(moviesCsv);
        RequireColumns(reader, moviesCsv, "movieId", "title");
        foreach (var row in reader)
            titles[ParseLong(row["movieId"].Span, moviesCsv, row.LineNumberFrom, "movieId")] = row["title"].ToString();
        return titles;
    }

    private static void RequireColumns(SepReader reader, string path, params string[] names)
    {
        foreach (string name in names)
            if (!reader.Header.TryIndexOf(name, out _))
                throw new InvalidDataException(
                    $"{path}: the header has no '{name}' column; expected {string.Join(",", names)} (found {string.Join(",", reader.Header.ColNames)}).");
    }

    private static long ParseLong(ReadOnlySpan<char> text, string path, int line, string column) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)
            ? v
            : throw new InvalidDataException($"{path}, line {line}: {column} '{text}' is not an integer.");
}
