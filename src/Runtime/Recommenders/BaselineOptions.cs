namespace Axon.Recommenders;

/// <summary>How the baselines <c>b_u</c>, <c>b_i</c> are estimated (Surprise's <c>bsl_options</c>).</summary>
public enum BaselineMethod
{
    /// <summary>Alternating least squares (Surprise's default, after MyMediaLite).</summary>
    Als = 0,

    /// <summary>Stochastic gradient descent over the ratings, user by user.</summary>
    Sgd = 1,
}

/// <summary>
/// Settings of the baseline estimates, with Surprise's defaults: ALS with <c>reg_i = 10</c>,
/// <c>reg_u = 15</c>, 10 epochs; SGD with <c>reg = 0.02</c>, learning rate 0.005, 20 epochs.
/// </summary>
public sealed record BaselineOptions
{
    /// <summary>ALS or SGD. Default: <see cref="BaselineMethod.Als"/>.</summary>
    public BaselineMethod Method { get; init; } = BaselineMethod.Als;

    /// <summary>Passes over the data. Default (null): 10 for ALS, 20 for SGD.</summary>
    public int? Epochs { get; init; }

    /// <summary>ALS item regularisation <c>λ_i</c>. Default: 10.</summary>
    public double ItemRegularization { get; init; } = 10;

    /// <summary>ALS user regularisation <c>λ_u</c>. Default: 15.</summary>
    public double UserRegularization { get; init; } = 15;

    /// <summary>SGD regularisation <c>λ</c>. Default: 0.02.</summary>
    public double Regularization { get; init; } = 0.02;

    /// <summary>SGD learning rate <c>γ</c>. Default: 0.005.</summary>
    public double LearningRate { get; init; } = 0.005;
}
