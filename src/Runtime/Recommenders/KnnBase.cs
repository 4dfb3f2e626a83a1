using System;

namespace Axon.Recommenders;

/// <summary>
/// What <see cref="KnnBasic"/> and <see cref="KnnWithMeans"/> share, as Surprise's
/// <c>SymmetricAlgo</c>: with <c>x</c> the user and <c>y</c> the item when user-based (the reverse when
/// item-based), the neighbours of <c>x</c> for <c>y</c> are the <c>x'</c> that rated <c>y</c>; the
/// <c>k</c> with the largest <c>sim(x, x')</c> are kept (ties: the earlier rating in the training set
/// first, as Python's <c>heapq.nlargest</c>), and of those only the ones with <c>sim &gt; 0</c> are aggregated.
/// </summary>
public abstract class KnnBase : IRatingPredictor, IItemSimilarity
{
    private RatingMatrix? _byY;
    private float[] _sim = [];
    private int _n;
    private int[] _xCount = [];
    private int[] _yCount = [];
    private int[] _topX = [];
    private float[] _topSim = [];
    private float[] _topR = [];

    /// <summary>Creates the algorithm with <paramref name="options"/> (null: Surprise's defaults).</summary>
    protected KnnBase(KnnOptions? options)
    {
        Options = options ?? new KnnOptions();
        if (Options.K < 1) throw new ArgumentOutOfRangeException(nameof(options), Options.K, $"K is {Options.K}; expected at least 1.");
        if (Options.MinK < 0) throw new ArgumentOutOfRangeException(nameof(options), Options.MinK, $"MinK is {Options.MinK}; expected at least 0.");
    }

    /// <summary>The settings.</summary>
    public KnnOptions Options { get; }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <summary>The catalog of the training set (null before <see cref="Fit"/>).</summary>
    protected RatingCatalog? Catalog { get; private set; }

    /// <summary>The global mean μ of the training ratings.</summary>
    protected float GlobalMean { get; private set; }

    /// <summary>The <c>[n, n]</c> similarity matrix between users (user-based) or items.</summary>
    public ReadOnlySpan<float> SimilarityMatrix => _sim;

    /// <summary>Rows of <see cref="SimilarityMatrix"/>: users when user-based, items otherwise.</summary>
    public int SimilarityRows => _n;

    /// <inheritdoc/>
    public void Fit(Ratings train)
    {
        ArgumentNullException.ThrowIfNull(train);
        var byUser = RatingMatrix.ByUser(train);
        var byItem = RatingMatrix.ByItem(train);
        var (byX, byY) = Options.UserBased ? (byUser, byItem) : (byItem, byUser);
        double mean = train.GlobalMean();
        double[]? xBias = null, yBias = null;
        if (Options.Similarity == Similarity.PearsonBaseline)
        {
            var (bu, bi) = Baselines.Compute(byUser, byItem, mean, Options.Baselines);
            (xBias, yBias) = Options.UserBased ? (bu, bi) : (bi, bu);
        }
        var sim = Similarities.Compute(byX, Options.Similarity, Options.MinSupport, Options.Shrinkage, mean, xBias, yBias);
        var xCount = new int[byX.RowCount];
        var yCount = new int[byY.RowCount];
        for (int x = 0; x < xCount.Length; x++) xCount[x] = byX.RowLength(x);
        for (int y = 0; y < yCount.Length; y++) yCount[y] = byY.RowLength(y);
        int k = Math.Min(Options.K, Math.Max(1, byY.MaxRowLength()));
        FitMore(byX);
        _byY = byY;
        _sim = sim;
        _n = byX.RowCount;
        _xCount = xCount;
        _yCount = yCount;
        _topX = new int[k];
        _topSim = new float[k];
        _topR = new float[k];
        GlobalMean = (float)mean;
        Catalog = train.Catalog;
    }

    /// <summary>Item-based only: row <paramref name="item"/> of the similarity matrix.</summary>
    /// <exception cref="NotSupportedException">The algorithm is user-based.</exception>
    public void ItemSimilarities(int item, Span<float> similarities)
    {
        if (Catalog is null) throw new InvalidOperationException($"{Name} is not fitted; call Fit first.");
        if (Options.UserBased)
            throw new NotSupportedException($"{Name} is user-based, so it has no item similarities; set UserBased = false.");
        _sim.AsSpan(item * _n, _n).CopyTo(similarities);
    }

    /// <summary>Lets a subclass learn more from the rows being compared (means, say) during <see cref="Fit"/>.</summary>
    protected virtual void FitMore(RatingMatrix byX) { }

    /// <inheritdoc/>
    public float Predict(int user, int item)
    {
        var catalog = Catalog ?? throw new InvalidOperationException($"{Name} is not fitted; call Fit first.");
        int x = Options.UserBased ? user : item, y = Options.UserBased ? item : user;
        // Surprise: an unknown user or item is PredictionImpossible, answered with the global mean.
        if (_xCount[x] == 0 || _yCount[y] == 0) return catalog.Clip(GlobalMean);
        int count = SelectNeighbours(x, y);
        return catalog.Clip(Aggregate(x, _topX.AsSpan(0, count), _topSim.AsSpan(0, count), _topR.AsSpan(0, count)));
    }

    /// <summary>
    /// The estimate from the <c>k</c> nearest neighbours of <paramref name="x"/> (largest similarity first;
    /// some may have <c>sim ≤ 0</c>, which Surprise skips), before clipping.
    /// </summary>
    protected abstract float Aggregate(int x, ReadOnlySpan<int> neighbours, ReadOnlySpan<float> similarities, ReadOnlySpan<float> ratings);

    private int SelectNeighbours(int x, int y)
    {
        var xs = _byY!.Columns(y);
        var rs = _byY.Values(y);
        var sims = _sim.AsSpan(x * _n, _n);
        int k = _topX.Length, count = 0;
        for (int j = 0; j < xs.Length; j++)
        {
            float s = sims[xs[j]];
            if (count == k && !(s > _topSim[k - 1])) continue;
            // Insert after every kept neighbour with a similarity ≥ s: equal ones keep their order.
            int at = count == k ? k - 1 : count;
            while (at > 0 && _topSim[at - 1] < s)
            {
                if (at < k)
                {
                    _topSim[at] = _topSim[at - 1];
                    _topX[at] = _topX[at - 1];
                    _topR[at] = _topR[at - 1];
                }
                at--;
            }
            _topSim[at] = s;
            _topX[at] = xs[j];
            _topR[at] = rs[j];
            if (count < k) count++;
        }
        return count;
    }
}
