using System;
using System.IO;
using System.Linq;
using Axon.Data.Tabular;
using Xunit;

namespace Axon.Runtime.Tests.Data.Tabular;

public class TabularPipelineTests
{
    // Rows 0-3 train, 4-5 test; the test rows hold extremes and a category the training rows never have.
    private const string Loans = """
        y,amount,age,home,state
        bad,100,20,rent,CA
        good,1000,NA,own,NY
        good,10,40,rent,
        bad,0,30,NA,CA
        good,1000000,90,castle,TX
        bad,5,NA,own,NY
        """;

    private static readonly int[] s_train = [0, 1, 2, 3];
    private static readonly int[] s_test = [4, 5];

    private static TabularPipeline Declare() => new TabularPipeline()
        .Numeric("amount", log1p: true)
        .Numeric("age", Scaling.MinMax, missing: Missing.MedianAndIndicator)
        .OneHot("home")
        .CategoryIds("state", vocabulary: 4)
        .BinaryTarget("y", "bad");

    [Fact]
    public void Fit_OnTrainingRows_LearnsTheirStatisticsOnly_NotTheTestRows()
    {
        var table = Csv.Parse(Loans);
        var pipeline = Declare().Fit(table, s_train);
        var amount = pipeline.Transforms[0];
        var logs = new[] { 100.0, 1000, 10, 0 }.Select(v => Math.Log(1 + v)).ToArray();
        Assert.Equal(logs.Average(), amount.Center, 12);
        Assert.Equal(Math.Sqrt(logs.Sum(v => (v - logs.Average()) * (v - logs.Average())) / 4), amount.Scale, 12);
        Assert.Equal(55, amount.Fill, 12);   // median of 0, 10, 100, 1000
        var age = pipeline.Transforms[1];
        Assert.Equal(30, age.Fill);            // median of 20, 30, 40
        Assert.Equal(20, age.Center);          // min over training, the missing one filled with 30
        Assert.Equal(20, age.Scale);           // 40 − 20; the test row's 90 would make it 70
        Assert.Equal(["own", "rent"], pipeline.Transforms[2].Categories);   // no "castle": it is only in the test rows
        Assert.Equal(["CA", "NY"], pipeline.Transforms[3].Categories);

        // What full-data fitting would learn differs, so the test above can tell the two apart ...
        var leaky = Declare().Fit(table, s_train.Concat(s_test).ToArray());
        Assert.NotEqual(leaky.Transforms[0].Center, amount.Center);
        Assert.NotEqual(leaky.Transforms[1].Scale, age.Scale);
        Assert.Contains("castle", leaky.Transforms[2].Categories);

        // ... and changing the test rows changes nothing that was fitted.
        var altered = Csv.Parse(Loans.Replace("1000000,90,castle", "7,33,igloo").Replace("5,NA,own", "99999,1,rent"));
        var refit = Declare().Fit(altered, s_train);
        Assert.Equal(pipeline.TransformFeatures(table, s_train), refit.TransformFeatures(altered, s_train));
    }

    [Fact]
    public void Transform_WritesEachDeclaredValue_AsComputedByHand()
    {
        var table = Csv.Parse(Loans);
        var pipeline = Declare().Fit(table, s_train);
        Assert.Equal(["amount", "age", "age (missing)", "home=own", "home=rent", "home=(other)", "state (id)"], pipeline.FeatureNames);
        Assert.Equal(["amount", "age", "age", "home", "home", "home", "state"], pipeline.FeatureColumns);
        Assert.Equal(7, pipeline.Width);
        Assert.Equal(3, pipeline.IdCount("state"));

        var data = pipeline.Transform(table, s_test);
        Assert.Equal(7, data.FeatureSize);
        Assert.Equal([0f, 1f], data.Targets!);
        var amount = pipeline.Transforms[0];
        var row4 = data.FeaturesOf(0).ToArray();
        Assert.Equal((float)((Math.Log(1e6 + 1) - amount.Center) / amount.Scale), row4[0], 5);
        Assert.Equal((90f - 20) / 20, row4[1]);            // min-max outside [0, 1] on new data
        Assert.Equal(0f, row4[2]);
        Assert.Equal([0f, 0f, 1f], row4[3..6]);            // unseen "castle" → other
        Assert.Equal(0f, row4[6]);                          // unseen TX → id 0
        var row5 = data.FeaturesOf(1).ToArray();
        Assert.Equal((30f - 20) / 20, row5[1]);            // missing → training median 30
        Assert.Equal(1f, row5[2]);                          // and flagged
        Assert.Equal([1f, 0f, 0f], row5[3..6]);            // own
        Assert.Equal(2f, row5[6]);                          // NY is id 2 (CA 1)

        var missingHome = pipeline.TransformFeatures(table, [3]);
        Assert.Equal([0f, 0f, 1f], missingHome[3..6]);     // NA → other
    }

    [Fact]
    public void SaveAndLoad_RoundTripsTheFittedTransform_Atomically()
    {
        var table = Csv.Parse(Loans);
        var pipeline = Declare().Fit(table, s_train);
        string dir = Directory.CreateTempSubdirectory("axon-pipeline").FullName;
        try
        {
            string path = Path.Combine(dir, "credit.pipeline.json");
            pipeline.Save(path);
            Assert.Equal([path], Directory.GetFiles(dir));   // no temporary left behind
            var loaded = TabularPipeline.Load(path);
            Assert.Equal(pipeline.FeatureNames, loaded.FeatureNames);
            Assert.Equal("y", loaded.TargetColumn);
            Assert.Equal(pipeline.TransformFeatures(table), loaded.TransformFeatures(table));

            File.WriteAllText(path, "{\"Version\": 1, \"Transforms\": [{\"Column\": \"a\", \"Scale\": 0}]}");
            Assert.Throws<InvalidDataException>(() => TabularPipeline.Load(path));
            File.WriteAllText(path, "not json");
            Assert.Throws<InvalidDataException>(() => TabularPipeline.Load(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Errors_NameTheRowColumnAndRemedy()
    {
        var table = Csv.Parse(Loans);
        var strict = new TabularPipeline().Numeric("age", missing: Missing.Error);
        var e = Assert.Throws<ArgumentException>(() => strict.Fit(table, s_train));
        Assert.Contains("row 1", e.Message);
        Assert.Contains("'age'", e.Message);

        var small = new TabularPipeline().CategoryIds("state", vocabulary: 2);
        var v = Assert.Throws<ArgumentException>(() => small.Fit(table, s_train));
        Assert.Contains("at least 3", v.Message);

        Assert.Throws<InvalidOperationException>(() => Declare().TransformFeatures(table));
        Assert.Throws<ArgumentException>(() => new TabularPipeline().Numeric("y").BinaryTarget("y", "bad"));
        Assert.Throws<ArgumentException>(() => new TabularPipeline().Numeric("home").Fit(table, s_train));
        var negative = Csv.Parse("x\n-3\n1\n");
        Assert.Contains("log1p", Assert.Throws<ArgumentException>(() => new TabularPipeline().Numeric("x", log1p: true).Fit(negative)).Message);
    }
}
