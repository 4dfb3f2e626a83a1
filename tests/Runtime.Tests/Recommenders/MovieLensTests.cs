using System;
using System.IO;
using System.Linq;
using Axon.Recommenders;
using Xunit;

namespace Axon.Runtime.Tests.Recommenders;

public class MovieLensTests
{
    internal static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "data", "movielens-latest-small");
    private static readonly Lazy<Ratings> s_ratings = new(() => MovieLens.Load(Directory));

    [Fact]
    public void Load_CommittedLatestSmall_HasItsDocumentedCounts()
    {
        var r = s_ratings.Value;
        Assert.Equal(100_836, r.Count);
        Assert.Equal(610, r.UserCount);
        Assert.Equal(9_724, r.ItemCount);   // 9,742 movies, of which 9,724 have a rating
        Assert.Equal(0.5f, r.Catalog.MinRating);
        Assert.Equal(5f, r.Catalog.MaxRating);
        Assert.Equal(3.501557, r.GlobalMean(), 6);
    }

    [Fact]
    public void Load_MapsRawIdsToDenseIndicesAndBack_WithTitles()
    {
        var r = s_ratings.Value;
        var c = r.Catalog;
        // The file's first line is "1,1,4.0,964982703".
        Assert.Equal(1, c.RawUserId(r.Users[0]));
        Assert.Equal(1, c.RawItemId(r.Items[0]));
        Assert.Equal(4f, r.Values[0]);
        Assert.Equal(964982703, r.Timestamps[0]);
        Assert.Equal("Toy Story (1995)", c.Title(c.ItemIndex(1)));
        Assert.Equal("American President, The (1995)", c.Title(c.ItemIndex(11)));   // quoted, with a comma
        for (int u = 0; u < r.UserCount; u++) Assert.Equal(u, c.UserIndex(c.RawUserId(u)));
        Assert.Equal(-1, c.ItemIndex(-5));
    }

    [Fact]
    public void ReadRatings_BadHeaderOrValue_SaysWhatIsWrong()
    {
        string dir = Path.Combine(Path.GetTempPath(), "axon-ml-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "ratings.csv");
            File.WriteAllText(path, "user,movieId,rating,timestamp\n1,2,3.0,4\n");
            var e = Assert.Throws<InvalidDataException>(() => MovieLens.Load(dir));
            Assert.Contains("'userId'", e.Message);
            File.WriteAllText(path, "userId,movieId,rating,timestamp\n1,2,3.0,4\n1,x,3.0,5\n");
            e = Assert.Throws<InvalidDataException>(() => MovieLens.Load(dir));
            Assert.Contains("movieId 'x'", e.Message);
            Assert.Contains("line 3", e.Message);
            Assert.Throws<FileNotFoundException>(() => MovieLens.Load(Path.Combine(dir, "nothing")));
        }
        finally { System.IO.Directory.Delete(dir, true); }
    }

    [Fact]
    public void KFold_TestsEveryRatingOnce_AndIsFixedBySeed()
    {
        var r = Toy.Ratings();
        var folds = RatingSplits.KFold(r, 3, seed: 7);
        Assert.Equal([5, 5, 4], folds.Select(f => f.Test.Count));
        var tested = folds.SelectMany(f => f.Test.Users.Zip(f.Test.Items)).OrderBy(p => p).ToArray();
        Assert.Equal(r.Users.Zip(r.Items).OrderBy(p => p), tested);
        foreach (var f in folds)
        {
            Assert.Equal(r.Count, f.Train.Count + f.Test.Count);
            Assert.Empty(f.Train.Users.Zip(f.Train.Items).Intersect(f.Test.Users.Zip(f.Test.Items)));
            Assert.Same(r.Catalog, f.Train.Catalog);
        }
        Assert.Equal(folds[1].Test.Items, RatingSplits.KFold(r, 3, seed: 7)[1].Test.Items);
        Assert.NotEqual(folds.Select(f => f.Test.Items).ToArray(), RatingSplits.KFold(r, 3, seed: 8).Select(f => f.Test.Items).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => RatingSplits.KFold(r, 1));
    }

    [Fact]
    public void LeaveLastOut_HoldsOutEachUsersLatestRating()
    {
        var r = s_ratings.Value;
        var split = RatingSplits.LeaveLastOut(r, seed: 1);
        Assert.Equal(610, split.Test.Count);
        Assert.Equal(r.Count - 610, split.Train.Count);
        for (int t = 0; t < split.Test.Count; t++)
        {
            int u = split.Test.Users[t];
            long latest = Enumerable.Range(0, r.Count).Where(k => r.Users[k] == u).Max(k => r.Timestamps[k]);
            Assert.Equal(latest, split.Test.Timestamps[t]);
        }
        Assert.Equal(split.Test.Items, RatingSplits.LeaveLastOut(r, seed: 1).Test.Items);
    }
}
