using System.Collections.Generic;

namespace Axon.Generators.Analysis;

/// <summary>
/// "Did you mean ...?" for a reference to an unknown member: the declared name nearest to the typed one by
/// optimal-string-alignment distance (insertions, deletions, substitutions and adjacent transpositions, letters
/// compared case-insensitively), accepted only when close enough that the guess is likely right.
/// </summary>
internal static class NameSuggestion
{
    /// <summary>
    /// The unique candidate within distance <c>max(1, min(3, length / 3))</c> of <paramref name="typed"/>, or null when
    /// none is that close or two are equally close (a guess between two names would as likely be wrong).
    /// </summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        if (string.IsNullOrEmpty(typed)) return null;
        int limit = System.Math.Max(1, System.Math.Min(3, typed.Length / 3));
        string? best = null;
        int bestDistance = int.MaxValue;
        bool tie = false;
        foreach (var candidate in candidates)
        {
            if (string.IsNullOrEmpty(candidate) || candidate == typed) continue;
            int d = Distance(typed, candidate);
            if (d > limit) continue;
            if (d < bestDistance) { best = candidate; bestDistance = d; tie = false; }
            else if (d == bestDistance && candidate != best) tie = true;
        }
        return tie ? null : best;
    }

    /// <summary>Optimal-string-alignment distance, letters compared case-insensitively.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 1]) ? 0 : 1;
                int v = System.Math.Min(System.Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 2])
                    && char.ToUpperInvariant(a[i - 2]) == char.ToUpperInvariant(b[j - 1]))
                    v = System.Math.Min(v, d[i - 2, j - 2] + 1);
                d[i, j] = v;
            }
        }
        return d[a.Length, b.Length];
    }
}
