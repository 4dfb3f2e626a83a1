using System;

namespace Axon.Recommenders;

/// <summary>Allocation-free selection of the highest scores.</summary>
public static class TopN
{
    /// <summary>
    /// Writes to <paramref name="destination"/> the indices of the <c>n = destination.Length</c> highest
    /// <paramref name="scores"/> (highest first; equal scores: lower index first), skipping every index
    /// whose <paramref name="excluded"/> entry is true (when given) and NaN scores. Returns how many were
    /// written (fewer than <c>n</c> when fewer candidates remain). Allocates nothing.
    /// </summary>
    public static int Select(ReadOnlySpan<float> scores, Span<int> destination, ReadOnlySpan<bool> excluded = default)
    {
        if (!excluded.IsEmpty && excluded.Length < scores.Length)
            throw new ArgumentException($"excluded has {excluded.Length} entries; expected one per score ({scores.Length}).", nameof(excluded));
        int n = destination.Length, count = 0;
        if (n == 0) return 0;
        for (int i = 0; i < scores.Length; i++)
        {
            float s = scores[i];
            if (float.IsNaN(s) || (!excluded.IsEmpty && excluded[i])) continue;
            if (count == n && !(s > scores[destination[n - 1]])) continue;
            int at = count == n ? n - 1 : count;
            while (at > 0 && scores[destination[at - 1]] < s)
            {
                destination[at] = destination[at - 1];
                at--;
            }
            destination[at] = i;
            if (count < n) count++;
        }
        return count;
    }
}
