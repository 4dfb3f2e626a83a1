using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using nietras.SeparatedValues;

namespace Axon.Data.Tabular;

/// <summary>
/// Reads a CSV file with a header into a <see cref="Table"/>, typing each column as numeric or categorical.
/// </summary>
/// <remarks>
/// Parsing is done by Sep (nietras.SeparatedValues, MIT): RFC 4180 quoting, a column-count check on every row,
/// and it reads a row's fields as spans without a string per field, which makes it among the fastest and
/// least allocating .NET CSV readers; CsvHelper would also do, but maps rows to classes by reflection, which
/// a table typed at run time does not need. Quoted fields are unquoted (<c>"a ""b"""</c> is <c>a "b"</c>).
/// A field equal to one of <see cref="CsvOptions.MissingValues"/> (default: empty or <c>NA</c>) is missing.
/// A column is numeric when all its non-missing values parse as numbers in the invariant culture, else categorical
/// (overridable per column with <see cref="CsvOptions.Categorical"/> and <see cref="CsvOptions.Numeric"/>).
/// Errors name the file, the line and the column.
/// </remarks>
public static class Csv
{
    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">No header, a repeated column name, a row with the wrong number of fields, or a value that does not parse in a <see cref="CsvOptions.Numeric"/> column.</exception>
    /// <exception cref="ArgumentException">A column named in the options is not in the file.</exception>
    public static Table Read(string path, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file not found: {Path.GetFullPath(path)}", path);
        using var text = new StreamReader(path);
        return Read(text, path, options);
    }

    /// <summary>Reads CSV text (a header line, then the rows) from a string; <paramref name="source"/> names it in messages.</summary>
    public static Table Parse(string csv, CsvOptions? options = null, string source = "csv")
    {
        ArgumentNullException.ThrowIfNull(csv);
        using var text = new StringReader(csv);
        return Read(text, source, options);
    }

    /// <summary>Reads CSV from <paramref name="text"/>; <paramref name="source"/> names it in messages.</summary>
    public static Table Read(TextReader text, string source, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= new CsvOptions();
        var missing = new HashSet<string>(options.MissingValues, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        string[] names;
        List<string?>[] cells;
        List<int> lines = [];
        try
        {
            using var reader = Sep.New(options.Separator).Reader(o => o with { Unescape = true }).From(text);
            names = [.. reader.Header.ColNames];
            if (names.Length == 0 || (names.Length == 1 && names[0].Length == 0))
                throw new InvalidDataException($"{source}: no header line; expected the column names on line 1.");
            var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new InvalidDataException($"{source}: column '{duplicate.Key}' appears twice in the header.");
            cells = names.Select(_ => new List<string?>()).ToArray();
            foreach (var row in reader)
            {
                lines.Add(row.LineNumberFrom);
                for (int c = 0; c < names.Length; c++)
                {
                    // Missing values are compared as spans, before a string is made for the field.
                    var field = row[c].Span;
                    cells[c].Add(missing.Contains(field) ? null : field.ToString());
                }
            }
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(source + ":", StringComparison.Ordinal))
        {
            // Sep's message says which row has how many fields; the file name comes first.
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }

        foreach (var name in options.Categorical.Concat(options.Numeric))
            if (Array.IndexOf(names, name) < 0)
                throw new ArgumentException($"{source}: CsvOptions names column '{name}', which the file does not have; its columns are: {string.Join(", ", names)}.", nameof(options));
        var conflict = options.Categorical.Intersect(options.Numeric).FirstOrDefault();
        if (conflict is not null)
            throw new ArgumentException($"CsvOptions lists column '{conflict}' as both Categorical and Numeric.", nameof(options));

        var columns = new List<(string, Array)>(names.Length);
        for (int c = 0; c < names.Length; c++)
        {
            var values = cells[c];
            bool forcedCategorical = options.Categorical.Contains(names[c]);
            bool forcedNumeric = options.Numeric.Contains(names[c]);
            var numbers = forcedCategorical ? null : new double[values.Count];
            for (int r = 0; numbers is not null && r < values.Count; r++)
            {
                if (values[r] is not { } v) { numbers[r] = double.NaN; continue; }
                if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x)) { numbers[r] = x; continue; }
                if (forcedNumeric)
                    throw new InvalidDataException(
                        $"{source}: line {lines[r]}, column '{names[c]}': '{v}' is not a number (the column is declared numeric; missing values are written as {string.Join(" or ", options.MissingValues.Select(m => $"'{m}'"))}).");
                numbers = null;
            }
            columns.Add(numbers is not null ? (names[c], numbers) : (names[c], values.ToArray()));
        }
        return new Table(columns, source);
    }
}
