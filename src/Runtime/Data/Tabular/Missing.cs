namespace Axon.Data.Tabular;

/// <summary>What the pipeline does with a missing numeric value (NaN).</summary>
public enum Missing
{
    /// <summary>Fill it with the training rows' median (of the raw values). The default.</summary>
    Median = 0,

    /// <summary>
    /// Fill it with the training median and add a column <c>name (missing)</c> that is 1 where the value was missing, 0
    /// elsewhere: the model can then learn from the fact that a value is absent (an applicant who leaves income blank).
    /// </summary>
    MedianAndIndicator = 1,

    /// <summary>Refuse it: fitting or transforming a row with the value missing throws, naming the row and column.</summary>
    Error = 2,
}
