using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary>What the 2-D pools share: a window over each channel, no parameters, the channels unchanged.</summary>
internal abstract class Pool2D : LayerKind<PoolSettings>
{
    public override LayerSettings Parse(LayerParseContext c) => new PoolSettings(WindowSettings.Read(c, 0, "pool", poolStride: true));

    public override string? ShapeArgument => "pool";

    public override LayerInference Infer(LayerInferenceContext c)
    {
        var s = Window(c.Layer.Settings);
        var (ok, output, window) = s.Infer(c, "pool", c.Input.Channels);
        return ok ? new LayerInference(true, output, new PoolSettings(window)) : LayerInference.Fail;
    }

    // MaxPool1D and AvgPool1D take the same arguments (pool, Stride, Padding, From); a stride of 0 was already resolved to the pool.
    public override (LayerKind Kind, LayerSettings Settings)? Twin(LayerSettings settings)
    {
        var w = Window(settings);
        return (LayerKinds.Named(Name.Replace("2D", "1D")), new Pool1DSettings(new Window1DSettings(w.Kernel, w.Stride, 1, w.Padding)));
    }

    public override string? Geometry(LayerPlan l)
    {
        var (i, o, k) = (l.InputShape, l.OutputShape, Window(l.Settings));
        return $"private static readonly global::Axon.Kernels.Pool2DShape __{l.Name}Shape = new({i.Channels}, {i.Height}, {i.Width}, {k.Kernel}, {k.Stride}, {k.PadTop}, {k.PadLeft}, {o.Height}, {o.Width});";
    }

    protected static WindowSettings Window(LayerSettings settings) => ((PoolSettings)settings).Window;
}

/// <summary>A pool's settings: its window.</summary>
internal sealed record PoolSettings(WindowSettings Window) : LayerSettings;
