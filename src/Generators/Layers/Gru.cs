namespace Axon.Generators.Layers;

/// <summary>
/// <c>[Gru(units)]</c>: nn.GRU's math (gates r, z, n; the reset gate on <c>W_hn h + b_hn</c>), tensors and layout,
/// batch_first; the kernel is <c>Axon.Kernels.Gru</c>.
/// </summary>
internal sealed class Gru : RecurrentKind
{
    public override string Name => "Gru";

    protected override int Gates => 3;

    public override long WorkspaceLength(int steps, int features, int units) => (long)steps * (features + 7L * units) + 2L * units;
}
