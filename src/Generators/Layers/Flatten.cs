using Axon.Generators.Emit;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary><c>[Flatten]</c>: <c>[C, H, W]</c> → <c>[C·H·W]</c> in PyTorch's order; a view when it can alias its source.</summary>
internal sealed class Flatten : LayerKind<NoSettings>
{
    public override string Name => "Flatten";

    public override bool BackwardIsRepeatable => true;

    public override bool SummarisesSequence => true;

    public override LayerSettings Parse(LayerParseContext c) => NoSettings.Instance;

    public override LayerInference Infer(LayerInferenceContext c) => new(true, TensorShape.Features((int)c.Input.Size));

    public override bool CanAlias => true;

    public override void EmitForward(LayerEmitContext c) => ShapeOnly.Forward(c);

    public override void EmitBackward(LayerEmitContext c) => ShapeOnly.Backward(c);
}

/// <summary>Flatten's and Reshape's passes: the values are the same, only the shape differs.</summary>
internal static class ShapeOnly
{
    public static void Forward(LayerEmitContext c)
    {
        if (!c.Layer.Aliases) c.W.Line($"{c.In()}.CopyTo({c.Out});");
    }

    public static void Backward(LayerEmitContext c)
    {
        if (!c.Layer.Aliases) c.W.Line($"if (below) {c.Grad}.CopyTo({c.InputGrad});");
    }
}
