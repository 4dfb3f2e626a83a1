using System;
using System.IO;
using Axon.Data.Tabular;
using Xunit;

namespace Axon.Runtime.Tests.Data.Tabular;

public class CsvTests
{
    private const string Sample = """
        "Status","Age","Home","Income"
        "good",30,"rent",129
        "bad",NA,"owner",
        "good",45,NA,"200"
        "bad",52,"a ""quoted"", value",80.5
        """;

    [Fact]
    public void Parse_TypesColumns_AndReadsNaAndEmptyAsMissing()
    {
        var table = Csv.Parse(Sample);
        Assert.Equal(["Status", "Age", "Home", "Income"], table.ColumnNames);
        Assert.Equal(4, table.RowCount);
        Assert.Equal(ColumnKind.Categorical, table.KindOf("Status"));
        Assert.Equal(ColumnKind.Numeric, table.KindOf("Age"));
        Assert.Equal(ColumnKind.Numeric, table.KindOf("Income"));   // "200" quoted is still a number
        Assert.Equal(ColumnKind.Categorical, table.KindOf("Home"));
        Assert.True(double.IsNaN(table.Numbers("Age")[1]));
        Assert.True(double.IsNaN(table.Numbers("Income")[1]));
        Assert.Equal(200, table.Numbers("Income")[2]);
        Assert.Equal(80.5, table.Numbers("Income")[3]);
        Assert.Null(table.Categories("Home")[2]);
        Assert.Equal("a \"quoted\", value", table.Categories("Home")[3]);
        Assert.Equal(1, table.MissingCount("Age"));
        Assert.Equal([0, 1, 0, 1], table.BinaryLabels("Status", "bad"));
    }

    [Fact]
    public void Parse_CategoricalOption_KeepsNumericCodesAsCategories()
    {
        var table = Csv.Parse("zip,y\n01234,1\n99999,0\n", new CsvOptions { Categorical = ["zip"] });
        Assert.Equal(ColumnKind.Categorical, table.KindOf("zip"));
        Assert.Equal("01234", table.Categories("zip")[0]);
    }

    [Fact]
    public void Parse_TextInADeclaredNumericColumn_ErrorNamesLineAndColumn()
    {
        var e = Assert.Throws<InvalidDataException>(() =>
            Csv.Parse("a,b\n1,2\n3,x7\n", new CsvOptions { Numeric = ["b"] }, source: "loans.csv"));
        Assert.Contains("loans.csv", e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("'b'", e.Message);
        Assert.Contains("'x7'", e.Message);
    }

    [Fact]
    public void Parse_RowWithTooFewFields_ErrorNamesTheSource()
    {
        var e = Assert.Throws<InvalidDataException>(() => Csv.Parse("a,b,c\n1,2,3\n4,5\n", source: "short.csv"));
        Assert.StartsWith("short.csv:", e.Message);
    }

    [Fact]
    public void Table_UnknownColumn_ErrorSuggestsAndListsColumns()
    {
        var table = Csv.Parse(Sample);
        var e = Assert.Throws<ArgumentException>(() => table.Numbers("income"));
        Assert.Contains("did you mean 'Income'", e.Message);
        Assert.Contains("Status, Age, Home, Income", e.Message);
        var wrongKind = Assert.Throws<ArgumentException>(() => table.Numbers("Home"));
        Assert.Contains("categorical", wrongKind.Message);
    }

    [Fact]
    public void Options_NamingAColumnTheFileLacks_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Csv.Parse("a,b\n1,2\n", new CsvOptions { Numeric = ["c"] }));
        Assert.Contains("'c'", e.Message);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => Csv.Read(Path.Combine(Path.GetTempPath(), "axon-no-such-file.csv")));
}
