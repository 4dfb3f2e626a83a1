using Axon.Recommenders;

namespace Axon.Runtime.Tests.Recommenders;

/// <summary>
/// Four users, five items, fourteen ratings, small enough to compute every figure by hand:
/// <code>
///        i0 i1 i2 i3 i4
///   u0    5  3  4  .  .
///   u1    3  1  2  3  .
///   u2    4  3  .  5  4
///   u3    .  1  5  .  2
/// </code>
/// </summary>
internal static class Toy
{
    public static Ratings Ratings()
    {
        long[] users = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3];
        long[] items = [0, 1, 2, 0, 1, 2, 3, 0, 1, 3, 4, 1, 2, 4];
        float[] values = [5, 3, 4, 3, 1, 2, 3, 4, 3, 5, 4, 1, 5, 2];
        // Raw ids are offset so that dense indices and raw ids differ.
        for (int r = 0; r < users.Length; r++) { users[r] += 100; items[r] += 200; }
        var times = new long[values.Length];
        for (int r = 0; r < times.Length; r++) times[r] = 1000 + r;
        return Axon.Recommenders.Ratings.FromRaw(users, items, values, times);
    }
}
