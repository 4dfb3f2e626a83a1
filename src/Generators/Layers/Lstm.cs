namespace Axon.Generators.Layers;

/// <summary>
/// <c>[Lstm(units)]</c>: nn.LSTM's math (gates i, f, g, o), tensors and layout, batch_first; the kernel is
/// <c>Axon.Kernels.Lstm</c>.
/// </summary>
internal sealed class Lstm : RecurrentKind
{
    public override string Name => "Lstm";

    protected override int Gates => 4;

    public override long WorkspaceLength(int steps, int features, int units) => (long)steps * (features + 6L * units) + 4L * units;
}
