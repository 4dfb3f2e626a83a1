using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Axon.Kernels;

/// <summary>
/// Forward and backward of a 2-D convolution on NCHW row-major data, as im2col and the packed
/// <see cref="Gemm"/>: <c>Z[F, OH·OW] = W[F, C·K·K] · cols[C·K·K, OH·OW]</c>, which for one sample is
/// already its <c>[F, OH, OW]</c> output. The weight is stored <c>[F, C, K, K]</c> (PyTorch's
/// <c>nn.Conv2d</c>).
/// </summary>
/// <remarks>
/// <para>
/// When a sample has few output positions (below 256, as in the later layers of a network) the
/// product would be thin and slow, so <c>G</c> samples' im2col matrices are laid side by side and
/// multiplied at once; the <c>[F, G·OH·OW]</c> result is then scattered to NCHW with the bias. In
/// backward the group's <c>dZ</c> is gathered the same way, so the weight gradient is one product
/// over the group's positions and the column gradient one product too. Each element of <c>z</c>
/// and of the input gradient is the same chain of multiply-adds whatever the grouping.
/// </para>
/// <para>
/// Threads (<see cref="WorkerPool"/>): the weight and bias gradients are sums over the batch, so they
/// are summed in <see cref="MaxWeightGradientBlocks"/> fixed blocks of sample groups, each block in
/// order, then the blocks in order (the bias in double). Each thread owns whole blocks and computes
/// the same samples in every pass (forward, the activation's derivative, the gradients' blocks and
/// the input gradient), so nothing a thread writes is read by another until the blocks are added.
/// The blocks are fixed by the batch, not by the thread count, so every value is bitwise the same
/// for any number of threads. Cross-core traffic is what decides this: an earlier version that split
/// each product across the threads made a small CNN's step slower on two threads than on one (the
/// im2col matrix crossed to the other core and the product crossed back for the scatter). Splitting
/// the weight gradient by columns instead of blocks needs every sample's gradient on every core; in a
/// quiet measurement of lesson 2's second convolution alone it ran about as fast as the blocks, so the
/// blocks are kept for the locality they give the step. Only a weight gradient of more than
/// <see cref="MaxBlockedWeights"/> values (with at least 64 columns), whose partial sums would cost
/// more memory than that traffic, is split by columns
/// and summed over the groups in order.
/// </para>
/// <para>
/// Nothing is allocated per call: the caller's scratch (<see cref="Conv2DShape.ScratchLength"/>) holds
/// the im2col matrix, the grouped product, the weight-gradient temporary and the partial sums; each
/// worker thread keeps its own im2col, group and temporary buffers, allocated on its first call and
/// reused.
/// </para>
/// </remarks>
public static unsafe partial class Conv2D
{
    private const string Name = "Conv2D";

    /// <summary>Weight-gradient columns (<c>C·K·K</c>) a weight gradient needs to be split between threads by columns.</summary>
    internal const int WideWeightGradientColumns = 64;

    /// <summary>Weight-gradient values above which, given enough columns, the gradient is split by columns rather than summed in blocks.</summary>
    internal const int MaxBlockedWeights = 1 << 18;

    /// <summary>Fixed blocks of groups the weight and bias gradients are summed in (see the remarks); also the most threads a convolution uses.</summary>
    internal const int MaxWeightGradientBlocks = 8;

    // Below this many multiply-adds over the batch (about 3 µs on one core) waking a worker costs more than it saves.
    private const long MinParallelWork = ParallelGemm.MinParallelWork;

    // Elementwise passes (the activation's derivative) split below this many floats cost more to hand out than to run.
    private const int MinParallelFloats = 1 << 15;

    /// <summary>
    /// <c>z = conv(x, W) + b</c>, <c>y = f(z)</c> for <paramref name="batch"/> samples; an empty
    /// <paramref name="bias"/> adds nothing. When the activation does not need its pre-activation,
    /// <paramref name="preActivation"/> may be the same span as <paramref name="output"/>. With a
    /// <paramref name="pool"/> of several threads, each takes whole groups of samples (bitwise the same
    /// result as one thread).
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Forward<TAct>(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> preActivation, Span<float> output, int batch, in Conv2DShape shape,
        TAct activation, Span<float> scratch, WorkerPool? pool = null)
        where TAct : struct, IActivation
    {
        KernelCheck.NotNegative(batch, nameof(batch));
        if (shape.Group == 0) ThrowDefaultShape();
        int inSize = shape.InputSize, outSize = shape.OutputSize, patch = shape.Patch, filters = shape.Filters;
        KernelCheck.AtLeast(x.Length, (long)batch * inSize, nameof(x), Name);
        KernelCheck.AtLeast(weight.Length, (long)filters * patch, nameof(weight), Name);
        if (!bias.IsEmpty) KernelCheck.AtLeast(bias.Length, filters, nameof(bias), Name);
        KernelCheck.AtLeast(preActivation.Length, (long)batch * outSize, nameof(preActivation), Name);
        KernelCheck.AtLeast(output.Length, (long)batch * outSize, nameof(output), Name);
        KernelCheck.AtLeast(scratch.Length, shape.ScratchLength, nameof(scratch), Name);

        int groups = (batch + shape.Group - 1) / shape.Group;
        int parts = Parts(pool, Units(shape, groups), (long)batch * shape.Positions * filters * patch);
        fixed (float* px = x) fixed (float* pw = weight) fixed (float* pb = bias) fixed (float* pz = preActivation)
        fixed (float* py = output) fixed (float* ps = scratch)
        {
            var job = new Job<TAct>
            {
                X = px, Weight = pw, Bias = bias.IsEmpty ? null : pb, PreActivation = pz, Output = py, Scratch = ps,
                Batch = batch, Groups = groups, Parts = parts, Shape = shape, Activation = activation,
            };
            if (parts == 1) ForwardPart<TAct>(Unsafe.AsPointer(ref job), 0);
            else pool!.Run(&ForwardPart<TAct>, Unsafe.AsPointer(ref job));
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward{TAct}"/>. On entry <paramref name="outputGrad"/> holds ∂L/∂y; it
    /// is turned into ∂L/∂z in place. Then, as asked, <paramref name="weightGrad"/> (<c>[F, C, K, K]</c>),
    /// <paramref name="biasGrad"/> (<c>[F]</c>; empty for none) and <paramref name="inputGrad"/> are
    /// overwritten, not accumulated. <paramref name="preActivation"/> is read only when the activation
    /// needs it. The bias gradient is <c>Σ_n Σ_positions ∂L/∂z</c>, summed in double per filter, samples in
    /// order. With a <paramref name="pool"/> of several threads the work is shared as the remarks of
    /// <see cref="Conv2D"/> say, bitwise the same result as one thread.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape and batch need.</exception>
    public static void Backward<TAct>(
        ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> preActivation,
        ReadOnlySpan<float> output, Span<float> outputGrad, Span<float> weightGrad, Span<float> biasGrad,
        Span<float> inputGrad, int batch, in Conv2DShape shape, TAct activation,
        bool computeParameterGradients, bool computeInputGradient, Span<float> scratch, WorkerPool? pool = null)
        where TAct : struct, IActivation
    {
        KernelCheck.NotNegative(batch, nameof(batch));
        if (shape.Group == 0) ThrowDefaultShape();
        int inSize = shape.InputSize, outSize = shape.OutputSize, patch = shape.Patch, filters = shape.Filters;
        bool needsZ = activation.NeedsPreActivation;
        KernelCheck.AtLeast(weight.Length, (long)filters * patch, nameof(weight), Name);
        if (needsZ) KernelCheck.AtLeast(preActivation.Length, (long)batch * outSize, nameof(preActivation), Name);
        KernelCheck.AtLeast(output.Length, (long)batch * outSize, nameof(output), Name);
        KernelCheck.AtLeast(outputGrad.Length, (long)batch * outSize, nameof(outputGrad), Name);
        if (computeParameterGradients)
        {
            KernelCheck.AtLeast(x.Length, (long)batch * inSize, nameof(x), Name);
            KernelCheck.AtLeast(weightGrad.Length, (long)filters * patch, nameof(weightGrad), Name);
            if (!biasGrad.IsEmpty) KernelCheck.AtLeast(biasGrad.Length, filters, nameof(biasGrad), Name);
        }
        if (computeInputGradient)
            KernelCheck.AtLeast(inputGrad.Length, (long)batch * inSize, nameof(inputGrad), Name);
        KernelCheck.AtLeast(scratch.Length, shape.ScratchLength, nameof(scratch), Name);

        int groups = (batch + shape.Group - 1) / shape.Group;
        fixed (float* px = x) fixed (float* pw = weight) fixed (float* pz = preActivation) fixed (float* py = output)
        fixed (float* pdy = outputGrad) fixed (float* pdw = weightGrad) fixed (float* pdb = biasGrad) fixed (float* pdx = inputGrad)
        fixed (float* ps = scratch)
        {
            var job = new Job<TAct>
            {
                X = px, Weight = pw, PreActivation = needsZ ? pz : null, Output = py, OutputGrad = pdy,
                WeightGrad = computeParameterGradients ? pdw : null,
                BiasGrad = computeParameterGradients && !biasGrad.IsEmpty ? pdb : null,
                InputGrad = computeInputGradient ? pdx : null, Scratch = ps,
                Batch = batch, Groups = groups, Shape = shape, Activation = activation,
            };

            // Every pass gives each thread the same groups of samples (whole blocks of the gradients' sums), so the samples a
            // thread computed forward stay in its cache; a wide weight gradient and the bias beside it are split by columns.
            long work = (long)batch * shape.Positions * filters * patch * (1 + (computeParameterGradients ? 1 : 0) + (computeInputGradient ? 1 : 0));
            int units = Units(shape, groups);
            job.Parts = Parts(pool, shape.WideWeightGradient && computeParameterGradients ? Math.Max(units, filters) : units, work);

            // ∂L/∂y → ∂L/∂z.
            if (job.Parts == 1) ActivationPart<TAct>(Unsafe.AsPointer(ref job), 0);
            else pool!.Run(&ActivationPart<TAct>, Unsafe.AsPointer(ref job));
            if (!computeParameterGradients && !computeInputGradient) return;
            if (computeParameterGradients && batch == 0)
            {
                new Span<float>(pdw, filters * patch).Clear();
                if (!biasGrad.IsEmpty) biasGrad.Slice(0, filters).Clear();
            }

            if (job.Parts == 1) GradientPart<TAct>(Unsafe.AsPointer(ref job), 0);
            else pool!.Run(&GradientPart<TAct>, Unsafe.AsPointer(ref job));

            // The blocks' partial sums, added to the first in order.
            int blocks = Math.Min(shape.WeightGradientBlocks, groups);
            if (computeParameterGradients && blocks > 1)
            {
                var dW = new Span<float>(pdw, filters * patch);
                for (int b = 1; b < blocks; b++)
                    TensorPrimitives.Add(dW, new ReadOnlySpan<float>(Partial(ref job, b), filters * patch), dW);
            }
            if (job.BiasGrad != null && !shape.WideWeightGradient && batch > 0)
            {
                double* first = BiasPartial(ref job, 0);
                for (int f = 0; f < filters; f++)
                {
                    double sum = first[f];
                    for (int b = 1; b < blocks; b++) sum += BiasPartial(ref job, b)[f];
                    biasGrad[f] = (float)sum;
                }
            }
        }
    }

    private struct Job<TAct> where TAct : struct, IActivation
    {
        public float* X, Weight, Bias, PreActivation, Output, OutputGrad, WeightGrad, BiasGrad, InputGrad, Scratch;
        public int Batch, Groups, Parts;
        public Conv2DShape Shape;
        public TAct Activation;
    }

    private static int Parts(WorkerPool? pool, int units, long work) =>
        pool is { Threads: > 1 } && units >= 2 && work >= MinParallelWork ? Math.Min(pool.Threads, units) : 1;

    // What a pass can give threads: the blocks of the gradients' sums, or the groups when there is one block.
    private static int Units(in Conv2DShape s, int groups) => s.WeightGradientBlocks > 1 ? Math.Min(s.WeightGradientBlocks, groups) : groups;

    /// <summary>The blocks <c>[b0, b1)</c> of the gradients' sums that part <paramref name="part"/> owns (none for a part beyond the blocks).</summary>
    private static (int Start, int End) PartBlocks(int blocks, int part, int parts)
    {
        int owners = Math.Min(parts, blocks);
        return part < owners ? WorkerPool.Share(blocks, part, owners) : (0, 0);
    }

    /// <summary>The groups <c>[g0, g1)</c> part <paramref name="part"/> computes in every pass: those of its blocks, or an even share when there is one block.</summary>
    private static (int Start, int End) PartGroups(in Conv2DShape s, int groups, int part, int parts)
    {
        int blocks = Math.Min(s.WeightGradientBlocks, groups);
        if (blocks <= 1) return WorkerPool.Share(groups, part, parts);
        var (b0, b1) = PartBlocks(blocks, part, parts);
        return b1 <= b0 ? (0, 0) : (WorkerPool.Share(groups, b0, blocks).Start, WorkerPool.Share(groups, b1 - 1, blocks).End);
    }

    // Part 0 runs on the caller and uses the caller's scratch; the other parts their own thread's.
    private static float* ThreadScratch<TAct>(ref Job<TAct> job, int part) where TAct : struct, IActivation =>
        part == 0 ? job.Scratch : WorkerScratch.Get(job.Shape.ThreadScratchLength);

    // Block b ≥ 1's weight-gradient sum: after the per-thread region of the caller's scratch.
    private static float* Partial<TAct>(ref Job<TAct> job, int block) where TAct : struct, IActivation =>
        job.Scratch + job.Shape.ThreadScratchLength + (nint)(block - 1) * job.Shape.Filters * job.Shape.Patch;

    // Block b's bias-gradient sums (F doubles), after the weight-gradient partials.
    private static double* BiasPartial<TAct>(ref Job<TAct> job, int block) where TAct : struct, IActivation =>
        (double*)(job.Scratch + job.Shape.ThreadScratchLength + (nint)(job.Shape.WeightGradientBlocks - 1) * job.Shape.Filters * job.Shape.Patch) + (nint)block * job.Shape.Filters;

    private static void ForwardPart<TAct>(void* state, int part) where TAct : struct, IActivation
    {
        ref var job = ref Unsafe.AsRef<Job<TAct>>(state);
        if (part >= job.Parts) return; // a pool of more threads than the job has parts
        ref readonly var s = ref job.Shape;
        var (g0, g1) = PartGroups(s, job.Groups, part, job.Parts);
        if (g0 >= g1) return;
        int inSize = s.InputSize, outSize = s.OutputSize, patch = s.Patch, positions = s.Positions, filters = s.Filters, group = s.Group;
        float* scratch = ThreadScratch(ref job, part);
        var columns = new Span<float>(scratch, s.ColumnsLength);
        var stage = new Span<float>(scratch + s.ColumnsLength, s.StageLength);
        var weight = new ReadOnlySpan<float>(job.Weight, filters * patch);
        var bias = job.Bias == null ? default : new ReadOnlySpan<float>(job.Bias, filters);
        for (int g = g0; g < g1; g++)
        {
            int n0 = g * group, count = Math.Min(group, job.Batch - n0), width = count * positions;
            ReadOnlySpan<float> cols = columns;
            if (count == 1 && s.Pointwise)
                cols = new ReadOnlySpan<float>(job.X + (nint)n0 * inSize, inSize);
            else
                for (int t = 0; t < count; t++)
                    Im2Col(new ReadOnlySpan<float>(job.X + (nint)(n0 + t) * inSize, inSize), columns, s, width, t * positions);

            if (count == 1)
            {
                // One sample: the product is already its [F, OH·OW] output; the bias goes on in place.
                var z = new Span<float>(job.PreActivation + (nint)n0 * outSize, outSize);
                Gemm.Multiply(weight, cols, z, filters, positions, patch);
                if (!bias.IsEmpty)
                    for (int f = 0; f < filters; f++)
                    {
                        var row = z.Slice(f * positions, positions);
                        TensorPrimitives.Add(row, bias[f], row);
                    }
            }
            else
            {
                // [F, count·P] → count samples of [F, P], adding the bias on the way.
                Gemm.Multiply(weight, cols, stage, filters, width, patch);
                for (int t = 0; t < count; t++)
                    for (int f = 0; f < filters; f++)
                    {
                        var src = stage.Slice(f * width + t * positions, positions);
                        var dst = new Span<float>(job.PreActivation + (nint)(n0 + t) * outSize + f * positions, positions);
                        if (bias.IsEmpty) src.CopyTo(dst);
                        else TensorPrimitives.Add(src, bias[f], dst);
                    }
            }
            for (int t = n0; t < n0 + count; t++)
                job.Activation.Forward(new ReadOnlySpan<float>(job.PreActivation + (nint)t * outSize, outSize), new Span<float>(job.Output + (nint)t * outSize, outSize));
        }
    }

    private static void ActivationPart<TAct>(void* state, int part) where TAct : struct, IActivation
    {
        ref var job = ref Unsafe.AsRef<Job<TAct>>(state);
        if (part >= job.Parts) return; // a pool of more threads than the job has parts
        int outSize = job.Shape.OutputSize;
        var (g0, g1) = PartGroups(job.Shape, job.Groups, part, job.Parts);
        int n0 = g0 * job.Shape.Group, n1 = Math.Min(job.Batch, g1 * job.Shape.Group);
        for (int n = n0; n < n1; n++)
        {
            nint o = (nint)n * outSize;
            job.Activation.Backward(job.PreActivation == null ? default : new ReadOnlySpan<float>(job.PreActivation + o, outSize),
                new ReadOnlySpan<float>(job.Output + o, outSize), new Span<float>(job.OutputGrad + o, outSize));
        }
    }

    private static void GradientPart<TAct>(void* state, int part) where TAct : struct, IActivation
    {
        ref var job = ref Unsafe.AsRef<Job<TAct>>(state);
        if (part >= job.Parts) return; // a pool of more threads than the job has parts
        ref readonly var s = ref job.Shape;
        int filters = s.Filters, positions = s.Positions, outSize = s.OutputSize;
        float* scratch = ThreadScratch(ref job, part);
        if (s.WideWeightGradient)
        {
            if (job.BiasGrad != null)
            {
                var (f0, f1) = WorkerPool.Share(filters, part, job.Parts);
                for (int f = f0; f < f1; f++)
                {
                    double sum = 0;
                    for (int n = 0; n < job.Batch; n++)
                        sum += TensorPrimitives.Sum(new ReadOnlySpan<float>(job.OutputGrad + (nint)n * outSize + f * positions, positions));
                    job.BiasGrad[f] = (float)sum;
                }
            }
            if (job.WeightGrad != null) WeightGradientColumns(ref job, part, scratch);
        }
        else if (job.WeightGrad != null || job.BiasGrad != null)
            GradientBlocks(ref job, part, scratch);
        if (job.InputGrad != null) InputGradientGroups(ref job, part, scratch);
    }

    /// <summary>
    /// The group's <c>∂L/∂z</c> as one <c>[F, count·P]</c> matrix: a lone sample's is its own gradient, in place;
    /// a group's is gathered into <paramref name="stage"/>.
    /// </summary>
    private static float* GroupGradient<TAct>(ref Job<TAct> job, int n0, int count, float* stage) where TAct : struct, IActivation
    {
        ref readonly var s = ref job.Shape;
        int positions = s.Positions, outSize = s.OutputSize, width = count * positions;
        if (count == 1) return job.OutputGrad + (nint)n0 * outSize;
        for (int t = 0; t < count; t++)
            for (int f = 0; f < s.Filters; f++)
                new ReadOnlySpan<float>(job.OutputGrad + (nint)(n0 + t) * outSize + f * positions, positions)
                    .CopyTo(new Span<float>(stage + (nint)f * width + t * positions, positions));
        return stage;
    }

    /// <summary>
    /// Columns <c>[j0, j1)</c> of <c>dW = Σ_groups dZ_g · cols_gᵀ</c>, the groups in order: the first group writes, each later
    /// one is computed into the temporary and added. The thread builds only its own rows of each group's im2col matrix.
    /// </summary>
    private static void WeightGradientColumns<TAct>(ref Job<TAct> job, int part, float* scratch) where TAct : struct, IActivation
    {
        ref readonly var s = ref job.Shape;
        int filters = s.Filters, patch = s.Patch, positions = s.Positions, inSize = s.InputSize, group = s.Group;
        int j0, j1;
        if (job.Parts == 1 || Gemm.Best == Gemm.Isa.Portable)
        {
            // The column kernel needs AVX2; a portable machine keeps the whole gradient on part 0.
            if (part != 0) return;
            (j0, j1) = (0, patch);
        }
        else
        {
            // Shares on multiples of 16 columns (an AVX2 tile; half an AVX-512 one), the last part takes the rest.
            int chunk = Math.Max(16, (patch + job.Parts - 1) / job.Parts + 15 & ~15);
            j0 = Math.Min(patch, part * chunk);
            j1 = part == job.Parts - 1 ? patch : Math.Min(patch, j0 + chunk);
        }
        int cols = j1 - j0;
        if (cols <= 0) return;
        float* columns = scratch;
        float* stage = scratch + s.ColumnsLength;
        float* temp = stage + s.StageLength;
        for (int g = 0; g < job.Groups; g++)
        {
            int n0 = g * group, count = Math.Min(group, job.Batch - n0), width = count * positions;
            float* dz = GroupGradient(ref job, n0, count, stage);
            // Rows [j0, j1) of the group's im2col matrix (a lone pointwise sample is its own).
            float* rows;
            if (count == 1 && s.Pointwise) rows = job.X + (nint)n0 * inSize + (nint)j0 * width;
            else
            {
                for (int t = 0; t < count; t++)
                    Im2Col(new ReadOnlySpan<float>(job.X + (nint)(n0 + t) * inSize, inSize), new Span<float>(columns, cols * width), s, width, t * positions, j0, cols);
                rows = columns;
            }
            float* target = g == 0 ? job.WeightGrad : temp;
            if (cols == patch)
                Gemm.MultiplyTransposedBBias(new ReadOnlySpan<float>(dz, filters * width), new ReadOnlySpan<float>(rows, patch * width), default,
                    new Span<float>(target, filters * patch), filters, patch, width);
            else
                Gemm.TransposedBColumns(dz, rows - (nint)j0 * width, null, target, filters, width, j0, cols, patch, relu: false);
            if (g != 0)
                for (int f = 0; f < filters; f++)
                {
                    var dst = new Span<float>(job.WeightGrad + (nint)f * patch + j0, cols);
                    TensorPrimitives.Add(dst, new ReadOnlySpan<float>(temp + (nint)f * patch + j0, cols), dst);
                }
        }
    }

    /// <summary>
    /// The blocks of the weight and bias gradients this part owns. Block <c>b</c> sums its groups in order: its weight gradient
    /// is written into <c>dW</c> (block 0) or its partial buffer by the first group, each later group computed into the
    /// temporary and added; its bias gradient is summed in double per filter, samples in order.
    /// </summary>
    private static void GradientBlocks<TAct>(ref Job<TAct> job, int part, float* scratch) where TAct : struct, IActivation
    {
        ref readonly var s = ref job.Shape;
        int filters = s.Filters, patch = s.Patch, positions = s.Positions, inSize = s.InputSize, outSize = s.OutputSize, group = s.Group;
        int weights = filters * patch;
        int blocks = Math.Min(s.WeightGradientBlocks, job.Groups);
        var (b0, b1) = PartBlocks(blocks, part, job.Parts);
        var columns = new Span<float>(scratch, s.ColumnsLength);
        float* stage = scratch + s.ColumnsLength;
        float* temp = stage + s.StageLength;
        for (int b = b0; b < b1; b++)
        {
            float* sum = b == 0 ? job.WeightGrad : Partial(ref job, b);
            double* biasSum = BiasPartial(ref job, b);
            var (g0, g1) = WorkerPool.Share(job.Groups, b, blocks);
            if (job.BiasGrad != null)
            {
                new Span<double>(biasSum, filters).Clear();
                for (int n = g0 * group; n < Math.Min(job.Batch, g1 * group); n++)
                    for (int f = 0; f < filters; f++)
                        biasSum[f] += TensorPrimitives.Sum(new ReadOnlySpan<float>(job.OutputGrad + (nint)n * outSize + f * positions, positions));
            }
            if (job.WeightGrad == null) continue;
            for (int g = g0; g < g1; g++)
            {
                int n0 = g * group, count = Math.Min(group, job.Batch - n0), width = count * positions;
                float* dz = GroupGradient(ref job, n0, count, stage);
                ReadOnlySpan<float> cols = columns;
                if (count == 1 && s.Pointwise) cols = new ReadOnlySpan<float>(job.X + (nint)n0 * inSize, inSize);
                else
                    for (int t = 0; t < count; t++)
                        Im2Col(new ReadOnlySpan<float>(job.X + (nint)(n0 + t) * inSize, inSize), columns, s, width, t * positions);
                var target = new Span<float>(g == g0 ? sum : temp, weights);
                Gemm.MultiplyTransposedBBias(new ReadOnlySpan<float>(dz, filters * width), cols, default, target, filters, patch, width);
                if (g != g0)
                    TensorPrimitives.Add(new ReadOnlySpan<float>(sum, weights), target, new Span<float>(sum, weights));
            }
        }
    }

    /// <summary>This part's groups of the input gradient: <c>dcols[Patch, count·P] = Wᵀ · dZ</c>, scattered back onto each input (col2im).</summary>
    private static void InputGradientGroups<TAct>(ref Job<TAct> job, int part, float* scratch) where TAct : struct, IActivation
    {
        ref readonly var s = ref job.Shape;
        int filters = s.Filters, patch = s.Patch, positions = s.Positions, inSize = s.InputSize, group = s.Group;
        var (g0, g1) = PartGroups(s, job.Groups, part, job.Parts);
        var weight = new ReadOnlySpan<float>(job.Weight, filters * patch);
        var columns = new Span<float>(scratch, s.ColumnsLength);
        float* stage = scratch + s.ColumnsLength;
        for (int g = g0; g < g1; g++)
        {
            int n0 = g * group, count = Math.Min(group, job.Batch - n0), width = count * positions;
            var dz = new ReadOnlySpan<float>(GroupGradient(ref job, n0, count, stage), filters * width);
            if (count == 1 && s.Pointwise)
                Gemm.MultiplyTransposedA(weight, dz, new Span<float>(job.InputGrad + (nint)n0 * inSize, inSize), patch, positions, filters);
            else
            {
                Gemm.MultiplyTransposedA(weight, dz, columns, patch, width, filters);
                for (int t = 0; t < count; t++)
                    Col2Im(columns, new Span<float>(job.InputGrad + (nint)(n0 + t) * inSize, inSize), s, width, t * positions);
            }
        }
    }

    /// <summary>
    /// Each worker thread's own convolution buffers (im2col matrix, grouped product, temporary), on the pinned object
    /// heap so raw pointers stay valid, allocated on the thread's first convolution and grown, never shrunk.
    /// </summary>
    private static class WorkerScratch
    {
        [ThreadStatic] private static float[]? t_buffer;

        public static float* Get(int length)
        {
            var buffer = t_buffer;
            if (buffer is null || buffer.Length < length)
                t_buffer = buffer = GC.AllocateUninitializedArray<float>(Math.Max(length, 1), pinned: true);
            return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        }
    }
}
