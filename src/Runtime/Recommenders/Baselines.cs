using System;

namespace Axon.Recommenders;

/// <summary>
/// Baseline estimates <c>b_ui = μ + b_u + b_i</c> (Koren 2010, §2.1) computed exactly as Surprise's
/// <c>baseline_als</c> / <c>baseline_sgd</c>, in double precision.
/// </summary>
public static class Baselines
{
    /// <summary>
    /// Returns <c>(b_u, b_i)</c> for every user and item of the catalog (0 for those without ratings).
    /// ALS, per epoch: <c>b_i = Σ_{u∈U_i}(r_ui − μ − b_u) / (λ_i + |U_i|)</c> for every item, then
    /// <c>b_u = Σ_{i∈I_u}(r_ui − μ − b_i) / (λ_u + |I_u|)</c> for every user.
    /// SGD, per epoch, for each rating user by user: <c>e = r_ui − (μ + b_u + b_i)</c>,
    /// <c>b_u += γ(e − λ b_u)</c>, <c>b_i += γ(e − λ b_i)</c>.
    /// </summary>
    public static (double[] UserBias, double[] ItemBias) Compute(
        RatingMatrix byUser, RatingMatrix byItem, double globalMean, BaselineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(byUser);
        ArgumentNullException.ThrowIfNull(byItem);
        options ??= new BaselineOptions();
        var bu = new double[byUser.RowCount];
        var bi = new double[byItem.RowCount];
        if (options.Method == BaselineMethod.Als)
        {
            int epochs = options.Epochs ?? 10;
            for (int e = 0; e < epochs; e++)
            {
                for (int i = 0; i < bi.Length; i++)
                {
                    double dev = 0;
                    var users = byItem.Columns(i);
                    var r = byItem.Values(i);
                    for (int k = 0; k < users.Length; k++) dev += r[k] - globalMean - bu[users[k]];
                    bi[i] = dev / (options.ItemRegularization + users.Length);
                }
                for (int u = 0; u < bu.Length; u++)
                {
                    double dev = 0;
                    var items = byUser.Columns(u);
                    var r = byUser.Values(u);
                    for (int k = 0; k < items.Length; k++) dev += r[k] - globalMean - bi[items[k]];
                    bu[u] = dev / (options.UserRegularization + items.Length);
                }
            }
        }
        else
        {
            int epochs = options.Epochs ?? 20;
            double lr = options.LearningRate, reg = options.Regularization;
            for (int e = 0; e < epochs; e++)
                for (int u = 0; u < bu.Length; u++)
                {
                    var items = byUser.Columns(u);
                    var r = byUser.Values(u);
                    for (int k = 0; k < items.Length; k++)
                    {
                        int i = items[k];
                        double err = r[k] - (globalMean + bu[u] + bi[i]);
                        bu[u] += lr * (err - reg * bu[u]);
                        bi[i] += lr * (err - reg * bi[i]);
                    }
                }
        }
        return (bu, bi);
    }
}
