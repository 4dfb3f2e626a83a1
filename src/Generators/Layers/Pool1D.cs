using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary>What the 1-D pools share: a window along the steps of each feature, no parameters, the features unchanged.</summary>
internal abstract class Pool1D : LayerKind<Pool1DSettings>
{
    public override LayerSettings Parse(LayerParseContext c) => new Pool1DSettings(Window1DSettings.Read(c, 0, "pool", pool: true));

    public override string? ShapeArgument => "pool";

    public override LayerInference Infer(LayerInferenceContext c)
    {
        var s = Window(c.Layer.Settings);
        var (ok, output, window) = s.Infer(c, "pool", c.Input.FeaturesPerStep);
        return ok ? new LayerInference(true, output, new Pool1DSettings(window)) : LayerInference.Fail;
    }

    public override string? Geometry(LayerPlan l)
    {
        var (i, o, k) = (l.InputShape, l.OutputShape, Window(l.Settings));
        return $"private static readonly global::Axon.Kernels.Pool1DShape __{l.Name}Shape = new({i.Steps}, {i.FeaturesPerStep}, {k.Kernel}, {k.Stride}, {k.PadLeft}, {o.Steps});";
    }

    protected static Window1DSettings Window(LayerSettings settings) => ((Pool1DSettings)settings).Window;
}

/// <summary>A 1-D pool's settings: its window.</summary>
internal sealed record Pool1DSettings(Window1DSettings Window) : LayerSettings;
