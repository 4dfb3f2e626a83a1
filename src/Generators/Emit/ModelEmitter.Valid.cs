using System.Linq;
using Axon.Generators.Model;

namespace Axon.Generators.Emit;

internal static partial class ModelEmitter
{
    private const string Span = "global::System.Span<float>";
    private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    private const string Guard = "global::Axon.Guard";

    private static void EmitValid(SourceWriter w, ModelPlan plan, string summary)
    {
        string name = plan.Type.Name;
        var last = plan.Layers[plan.Layers.Count - 1];
        var loss = plan.Loss;
        bool labels = loss == LossKind.SoftmaxCrossEntropy;
        string targetParam = TargetParameter(loss), target = TargetName(loss);
        bool hasAccuracy = labels || plan.OutputSize == 1;

        // Constants
        w.Line($"/// <summary>Input values per sample: shape [{string.Join(", ", plan.InputShape)}].</summary>");
        w.Line($"public const int InputSize = {plan.InputSize};");
        w.Line("/// <summary>Output values per sample.</summary>");
        w.Line($"public const int OutputSize = {plan.OutputSize};");
        w.Line("/// <summary>Number of trainable parameters (weights and biases).</summary>");
        w.Line($"public const int ParameterCount = {plan.ParameterCount};");
        w.Line("/// <summary>Smallest valid raw input value (the declared range; attacks clip to it).</summary>");
        w.Line($"public const float InputMin = {Literals.Float(plan.InputMin)};");
        w.Line("/// <summary>Largest valid raw input value.</summary>");
        w.Line($"public const float InputMax = {Literals.Float(plan.InputMax)};");
        w.Line("/// <summary>Batch capacity used when the constructor is not given one.</summary>");
        w.Line($"public const int DefaultMaxBatchSize = {plan.MaxBatchSize};");
        w.Line("/// <summary>Initialisation seed used when the constructor is not given one.</summary>");
        w.Line($"public const int DefaultSeed = {plan.Seed};");
        w.Line("/// <summary>The layer table: every layer's output shape and parameter count.</summary>");
        w.Line($"public const string Summary = {Literals.String(summary)};");
        w.Line();
        w.Line("// Parameter arena: constant offsets, each layer's weight then its bias; layers start on 64-byte boundaries.");
        foreach (var l in plan.Layers)
        {
            w.Line($"private const int __{l.Name}Weight = {l.WeightOffset};");
            w.Line($"private const int __{l.Name}Bias = {l.WeightOffset + l.WeightCount};");
            foreach (var slot in l.Slots.Where(s => s.Region == SlotRegion.Parameters))
                w.Line($"private const int __{l.Name}{slot.Name} = {slot.Offset};");
        }
        foreach (var l in plan.Layers.Where(l => l.LoraRank > 0))
        {
            w.Line($"private const int __{l.Name}LoraA = {l.LoraOffset};");
            w.Line($"private const int __{l.Name}LoraB = {l.LoraOffset + l.LoraRank * l.InFeatures};");
        }
        w.Line($"private const int __ParameterArenaLength = {plan.ParameterArenaLength};");
        w.Line("// Workspace: per-sample offsets, scaled by MaxBatchSize at run time.");
        foreach (var l in plan.Layers)
        {
            if (l.OutputBuffer >= 0) w.Line($"private const int __{l.Name}Output = {l.OutputBuffer};");
            if (l.PreActivationBuffer >= 0) w.Line($"private const int __{l.Name}PreActivation = {l.PreActivationBuffer};");
            if (l.GradientBuffer >= 0) w.Line($"private const int __{l.Name}Gradient = {l.GradientBuffer};");
            foreach (var slot in l.Slots.Where(s => s.Region != SlotRegion.Parameters))
                w.Line($"private const int __{l.Name}{slot.Name} = {slot.Offset};{(slot.Region == SlotRegion.Fixed ? " // in the fixed buffers" : "")}");
        }
        foreach (var l in plan.Layers.Where(l => l.LoraRank > 0))
        {
            w.Line($"private const int __{l.Name}LoraU = {l.LoraU};");
            w.Line($"private const int __{l.Name}LoraV = {l.LoraV};");
        }
        if (plan.LoraScratchBuffer >= 0) w.Line($"private const int __LoraScratch = {plan.LoraScratchBuffer};");
        w.Line($"private const int __Scratch = {plan.ScratchBuffer};");
        if (plan.GradientScratchBuffer >= 0) w.Line($"private const int __GradientScratch = {plan.GradientScratchBuffer};");
        w.Line($"private const int __WorkspacePerSample = {plan.WorkspacePerSample};");
        w.Line($"private const int __FixedLength = {plan.FixedLength};");
        var geometry = plan.Layers.Select(l => l.Kind.Geometry(l)).OfType<string>().ToList();
        if (geometry.Count > 0)
        {
            w.Line("// Window geometry, inferred at compile time: [C, H, W] in, kernel, stride, top/left padding, output size.");
            foreach (var line in geometry) w.Line(line);
        }
        var convs = plan.Layers.Select(l => l.Kind.ConvScratchLength(l)).OfType<string>().ToList();
        w.Line("// Convolution scratch (im2col columns), shared by the convolutions, after the fixed buffers.");
        w.Line($"private static readonly int __ConvScratchLength = {(convs.Count == 0 ? "0" : convs.Skip(1).Aggregate(convs[0], (a, c) => $"global::System.Math.Max({a}, {c})"))};");
        if (convs.Count > 0) w.Line($"private {Span} __ConvScratch => __core.Fixed(__FixedLength, __ConvScratchLength);");
        w.Line();
        w.Line("private static readonly global::Axon.Serialization.TensorSpec[] __tensors =");
        w.Line("[");
        foreach (var l in plan.Layers)
        {
            foreach (var t in l.Kind.Tensors(l))
                w.Line($"    new({Literals.String(l.TensorPrefix + t.Suffix)}, [{t.Shape}], {t.Offset}),");
        }
        foreach (var l in plan.Layers.Where(l => l.LoraRank > 0))
        {
            w.Line($"    new({Literals.String(l.TensorPrefix + ".lora_A.weight")}, [{l.LoraRank}, {l.InFeatures}], __{l.Name}LoraA),");
            w.Line($"    new({Literals.String(l.TensorPrefix + ".lora_B.weight")}, [{l.OutFeatures}, {l.LoraRank}], __{l.Name}LoraB),");
        }
        w.Line("];");
        w.Line();
        var adapted = plan.Layers.Where(l => l.LoraRank > 0).ToList();
        if (adapted.Count > 0)
        {
            w.Line("private static readonly global::Axon.Serialization.TensorSpec[] __adapterTensors =");
            w.Line("[");
            foreach (var l in adapted)
            {
                w.Line($"    new({Literals.String(l.TensorPrefix + ".lora_A.weight")}, [{l.LoraRank}, {l.InFeatures}], __{l.Name}LoraA),");
                w.Line($"    new({Literals.String(l.TensorPrefix + ".lora_B.weight")}, [{l.OutFeatures}, {l.LoraRank}], __{l.Name}LoraB),");
            }
            w.Line("];");
            w.Line();
        }
        w.Line("private readonly global::Axon.ModelCore __core;");
        foreach (var l in plan.Layers) w.Line($"private readonly global::Axon.Layer __layer_{l.Name};");
        foreach (var l in adapted) w.Line($"private readonly global::Axon.Layer __adapter_{l.Name};");
        if (adapted.Count > 0) w.Line("private bool __adaptersMerged;");
        if (plan.HasTrainingMode) w.Line("private bool __training;   // set by each forward pass: Dropout and BatchNorm behave differently in training");
        var sharedState = plan.Layers.Select(l => l.Kind).Distinct().Select(k => k.SharedState).OfType<(string Field, string Initialize)>().ToList();
        foreach (var state in sharedState) w.Line(state.Field);
        w.Line("private int __forwardRows = -1;   // rows of the last public Forward whose activations Backward may use; -1 after anything else");
        if (hasAccuracy)
            w.Line("private int __trainCorrect = -1;   // correct count of the last training forward pass (IModel.LastTrainCorrect)");
        w.Line();

        // Constructor
        w.Line("/// <summary>");
        w.Line($"/// Creates the model with its arenas sized for <paramref name=\"maxBatchSize\"/> samples and parameters");
        w.Line("/// initialised from <paramref name=\"seed\"/>. Nothing is allocated after this.");
        w.Line("/// </summary>");
        w.Line($"/// <param name=\"maxBatchSize\">Largest batch for training and evaluation steps. Default: {plan.MaxBatchSize}.</param>");
        w.Line($"/// <param name=\"seed\">Initialisation seed. Default: {plan.Seed}.</param>");
        w.Line($"/// <param name=\"optimizer\">Replaces the declared optimizer ({Literals.Xml(SummaryWriter.OptimizerName(plan.Optimizer))}). Default: null.</param>");
        w.Open($"public {name}(int maxBatchSize = DefaultMaxBatchSize, int seed = DefaultSeed, global::Axon.Optimizers.Optimizer? optimizer = null)");
        w.Line($"__core = new global::Axon.ModelCore({Literals.String(name)}, __ParameterArenaLength, __WorkspacePerSample, maxBatchSize, optimizer ?? {OptimizerExpression(plan.Optimizer)}, __tensors, __FixedLength + __ConvScratchLength);");
        for (int i = 0; i < plan.Layers.Count; i++)
        {
            var l = plan.Layers[i];
            w.Line($"__layer_{l.Name} = new global::Axon.Layer(__core, {Literals.String(l.Name)}, {Literals.String(l.Kind.Name)}, {i}, __{l.Name}Weight, {l.WeightCount}, {l.BiasCount}, [{ShapeList(l.OutputShape)}]){(l.Kind.IsNormalization ? " { IsNormalization = true }" : "")};");
        }
        for (int k = 0; k < adapted.Count; k++)
        {
            var l = adapted[k];
            // The adapter is a layer of its own for the optimizer: A is its weight, B its bias.
            w.Line($"__adapter_{l.Name} = new global::Axon.Layer(__core, {Literals.String(l.Name + "Adapter")}, \"LoRA\", {plan.Layers.Count + k}, __{l.Name}LoraA, {l.LoraRank * l.InFeatures}, {l.OutFeatures * l.LoraRank}, [{l.OutFeatures}]);");
        }
        w.Line($"__core.SetLayers([{string.Join(", ", plan.Layers.Select(l => "__layer_" + l.Name).Concat(adapted.Select(l => "__adapter_" + l.Name)))}]);");
        w.Line("Initialize(seed);");
        foreach (var l in adapted)
            w.Line($"__layer_{l.Name}.Freeze();   // LoRA: the base weight is frozen, the adapter trains");
        w.Close();
        w.Line();

        foreach (var l in plan.Layers)
        {
            if (!l.IsPartial) continue;
            w.Line($"{l.Modifiers} partial {l.TypeName} {l.Name} => __layer_{l.Name};".TrimStart());
        }
        w.Line();

        w.Line("/// <summary>Largest batch the workspace holds.</summary>");
        w.Line("public int MaxBatchSize => __core.MaxBatchSize;");
        w.Line("/// <summary>");
        w.Line("/// Threads the kernels use: the caller plus pooled workers. Default: 1. Results are bitwise identical");
        w.Line("/// for any thread count (work is split by output rows, never by the reduction).");
        w.Line("/// </summary>");
        w.Line("public int Threads { get => __core.Threads; set => __core.Threads = value; }");
        w.Line("/// <summary>The optimizer that <c>TrainStep</c> uses.</summary>");
        w.Line("public global::Axon.Optimizers.Optimizer Optimizer => __core.Optimizer;");
        w.Line("/// <summary>The layers, in order.</summary>");
        w.Line("public global::System.Collections.Generic.IReadOnlyList<global::Axon.Layer> Layers => __core.Layers;");
        w.Line("/// <summary>The parameter arena (writable; layers start on 64-byte boundaries, see <see cref=\"global::Axon.Layer.ParameterOffset\"/>).</summary>");
        w.Line($"public {Span} Parameters => __core.Parameters.Span;");
        w.Line("/// <summary>The gradient arena, same layout as <see cref=\"Parameters\"/>: the gradients of the last backward pass.</summary>");
        w.Line($"public {ReadOnlySpan} Gradients => __core.Gradients.Span;");
        w.Line();

        // Initialize
        w.Line("/// <summary>Re-initialises every parameter from <paramref name=\"seed\"/> and resets the optimizer state.</summary>");
        w.Open("public void Initialize(int seed)");
        w.Line("var rng = new global::Axon.Rng(seed);");
        w.Line("var p = __core.Parameters.Span;");
        foreach (var l in plan.Layers) l.Kind.EmitInitialize(w, l);
        foreach (var state in sharedState) w.Line(state.Initialize);
        foreach (var l in adapted)
        {
            // A as nn.Linear's weight (Kaiming-uniform, a = √5), B zero: the adapter starts as the identity.
            w.Line($"global::Axon.Initializers.Dense(p.Slice(__{l.Name}LoraA, {l.LoraRank * l.InFeatures}), default, {l.InFeatures}, {l.LoraRank}, global::Axon.Init.Default, ref rng);");
            w.Line($"p.Slice(__{l.Name}LoraB, {l.OutFeatures * l.LoraRank}).Clear();");
        }
        if (adapted.Count > 0) w.Line("__adaptersMerged = false;");
        w.Line("__forwardRows = -1;");
        w.Line("__core.Optimizer.Reset();");
        w.Close();
        w.Line();

        // Predict
        w.Line("/// <summary>");
        w.Line("/// Runs the network on one or more samples: <paramref name=\"inputs\"/> is <c>[n, InputSize]</c>, <paramref name=\"outputs\"/>");
        w.Line("/// <c>[n, OutputSize]</c> (the output layer's values: logits for a logits loss). Any n; no allocation.");
        w.Line("/// </summary>");
        w.Open($"public void Predict({ReadOnlySpan} inputs, {Span} outputs)");
        w.Line($"int n = {Guard}.Rows(inputs.Length, InputSize, \"inputs\", {Literals.String(name)});");
        w.Line($"{Guard}.Length(outputs.Length, n * OutputSize, \"outputs\", {Literals.String(name)});");
        w.Line($"{Guard}.Finite(inputs, \"inputs\");");
        w.Open("for (int start = 0; start < n; start += __core.MaxBatchSize)");
        w.Line("int m = global::System.Math.Min(__core.MaxBatchSize, n - start);");
        w.Line("__Forward(inputs.Slice(start * InputSize, m * InputSize), m);");
        w.Line($"__core.Buffer(__{last.Name}Output, m * OutputSize).CopyTo(outputs.Slice(start * OutputSize, m * OutputSize));");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>Runs the network on one sample and returns a new array of <c>OutputSize</c> values.</summary>");
        w.Open($"public float[] Predict({ReadOnlySpan} input)");
        w.Line($"{Guard}.Length(input.Length, InputSize, \"input\", {Literals.String(name)});");
        w.Line("var output = new float[OutputSize];");
        w.Line("Predict(input, output);");
        w.Line("return output;");
        w.Close();
        w.Line();
        if (labels)
        {
            w.Line("/// <summary>The most likely class of one sample: the arg-max of its logits (ties: the lowest index).</summary>");
            w.Open($"public int Classify({ReadOnlySpan} input)");
            w.Line($"{Guard}.Length(input.Length, InputSize, \"input\", {Literals.String(name)});");
            w.Line($"{Guard}.Finite(input, \"input\");");
            w.Line("__Forward(input, 1);");
            w.Line($"return global::System.Numerics.Tensors.TensorPrimitives.IndexOfMax(__core.Buffer(__{last.Name}Output, OutputSize));");
            w.Close();
            w.Line();
            w.Line("/// <summary>Class probabilities, <c>softmax(logits)</c> per sample: <paramref name=\"outputs\"/> is <c>[n, OutputSize]</c>.</summary>");
            w.Open($"public void PredictProbabilities({ReadOnlySpan} inputs, {Span} outputs)");
            w.Line("Predict(inputs, outputs);");
            w.Line("for (int r = 0; r < outputs.Length; r += OutputSize)");
            w.Line("    global::Axon.Kernels.Softmax.Row(outputs.Slice(r, OutputSize), outputs.Slice(r, OutputSize));");
            w.Close();
            w.Line();
        }
        else if (loss == LossKind.BinaryCrossEntropy)
        {
            w.Line("/// <summary>Probabilities, <c>σ(logit)</c> per sample: <paramref name=\"outputs\"/> is <c>[n, OutputSize]</c>.</summary>");
            w.Open($"public void PredictProbabilities({ReadOnlySpan} inputs, {Span} outputs)");
            w.Line("Predict(inputs, outputs);");
            w.Line("global::System.Numerics.Tensors.TensorPrimitives.Sigmoid(outputs, outputs);");
            w.Close();
            w.Line();
        }

        // Training API
        string meanDivisor = loss == LossKind.MeanSquaredError ? "(n * OutputSize)" : "n";
        string sampleScale = loss == LossKind.MeanSquaredError ? "1f / OutputSize" : "1f";
        w.Line("/// <summary>");
        w.Line($"/// One training step on a batch of at most <see cref=\"MaxBatchSize\"/> samples: forward, {Literals.Xml(SummaryWriter.LossName(loss))},");
        w.Line("/// backward and an optimizer update of every layer that is not frozen. Returns the batch's mean loss.");
        w.Line("/// Inputs are checked first (lengths, finite values, targets); on bad input nothing changes.");
        w.Line("/// </summary>");
        w.Open($"public float TrainStep({ReadOnlySpan} inputs, {targetParam})");
        w.Line($"float loss = ComputeGradients(inputs, {target});");
        w.Line("__core.OptimizerStep();");
        w.Line("return loss;");
        w.Close();
        w.Line();
        w.Line("/// <summary>Forward, loss and backward without an update: fills <see cref=\"Gradients\"/> with ∂(mean loss)/∂θ and returns the mean loss.</summary>");
        w.Open($"public float ComputeGradients({ReadOnlySpan} inputs, {targetParam})");
        w.Line("int n = __Check(inputs, " + target + ", bounded: true);");
        w.Line("__Forward(inputs, n, training: true);");
        w.Line($"float loss = __LossBackward({target}, n, 1f / {meanDivisor});");
        if (hasAccuracy)
            w.Line($"__trainCorrect = __Correct({target}, n);   // the outputs are intact until the next forward pass");
        w.Line("__Backward(inputs, n, parameterGradients: true, default);");
        w.Line($"return loss / {meanDivisor};");
        w.Close();
        w.Line();
        w.Line("/// <summary>The mean loss over any number of samples, without gradients.</summary>");
        w.Line($"public float ComputeLoss({ReadOnlySpan} inputs, {targetParam}) => (float)Evaluate(inputs, {target}).Loss;");
        w.Line();
        w.Line("/// <summary>Mean loss and accuracy over any number of samples, in batches of <see cref=\"MaxBatchSize\"/>; no allocation.</summary>");
        w.Open($"public global::Axon.Evaluation Evaluate({ReadOnlySpan} inputs, {targetParam})");
        w.Line("int n = __Check(inputs, " + target + ", bounded: false);");
        w.Line("double loss = 0;");
        w.Line("int correct = 0;");
        w.Open("for (int start = 0; start < n; start += __core.MaxBatchSize)");
        w.Line("int m = global::System.Math.Min(__core.MaxBatchSize, n - start);");
        w.Line("__Forward(inputs.Slice(start * InputSize, m * InputSize), m);");
        string tSlice = labels ? "labels.Slice(start, m)" : "targets.Slice(start * OutputSize, m * OutputSize)";
        w.Line($"loss += __Loss({tSlice}, m);");
        w.Line($"correct += __Correct({tSlice}, m);");
        w.Close();
        w.Line($"return new global::Axon.Evaluation(loss / {meanDivisor}, {(hasAccuracy ? "(double)correct / n" : "double.NaN")}, n);");
        w.Close();
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// ∂L_i/∂x_i for every sample i: the gradient of each sample's own loss with respect to its raw input");
        w.Line("/// (what attacks use; not divided by the batch size). Parameters and their gradients do not change.");
        w.Line("/// Returns the mean loss. Any number of samples.");
        w.Line("/// </summary>");
        w.Open($"public float InputGradient({ReadOnlySpan} inputs, {targetParam}, {Span} inputGradient)");
        w.Line("int n = __Check(inputs, " + target + ", bounded: false);");
        w.Line($"{Guard}.Length(inputGradient.Length, n * InputSize, \"inputGradient\", {Literals.String(name)});");
        w.Line("double loss = 0;");
        w.Open("for (int start = 0; start < n; start += __core.MaxBatchSize)");
        w.Line("int m = global::System.Math.Min(__core.MaxBatchSize, n - start);");
        w.Line("var x = inputs.Slice(start * InputSize, m * InputSize);");
        w.Line("__Forward(x, m);");
        w.Line($"loss += __LossBackward({tSlice}, m, {sampleScale});");
        w.Line("__Backward(x, m, parameterGradients: false, inputGradient.Slice(start * InputSize, m * InputSize));");
        w.Close();
        w.Line($"return (float)(loss / {meanDivisor});");
        w.Close();
        w.Line();

        EmitForwardBackwardApi(w, plan);

        if (plan.Transfers.Count > 0)
        {
            w.Line("/// <summary>");
            w.Line($"/// Copies the layers declared by [TransferFrom] from a pretrained <see cref=\"{plan.TransferSource}\"/>:");
            w.Line($"/// {Literals.Xml(string.Join(", ", plan.Transfers.Select(t => t.Target)))} (weights, biases and BatchNorm statistics).");
            w.Line("/// Their shapes were checked at compile time; nothing else changes, the optimizer state included.");
            w.Line("/// </summary>");
            w.Open($"public void CopyFrom({plan.TransferSource} pretrained)");
            w.Line("global::System.ArgumentNullException.ThrowIfNull(pretrained);");
            w.Line("var source = ((global::Axon.IModel)pretrained).Layers;");
            w.Line("var p = __core.Parameters.Span;");
            foreach (var t in plan.Transfers)
            {
                var l = plan.Layers.First(x => x.Name == t.Target);
                int count = l.WeightCount + l.BiasCount + l.Slots.Where(s => s.Region == SlotRegion.Parameters).Sum(s => s.Length);   // non-trainable parameters too (running statistics)
                w.Line($"pretrained.Parameters.Slice(source[{t.SourceIndex}].ParameterOffset, {count}).CopyTo(p.Slice(__{l.Name}Weight, {count}));");
            }
            w.Close();
            w.Line();
        }

        if (adapted.Count > 0) EmitAdapterApi(w, plan, adapted);

        // Save / Load
        w.Line("/// <summary>Writes the parameters to a safetensors file (PyTorch names and shapes), atomically: a temporary file, flushed, then renamed.</summary>");
        w.Line(adapted.Count > 0 ? "public void Save(string path) { __ThrowIfMerged(); __core.Save(path); }" : "public void Save(string path) => __core.Save(path);");
        w.Line("/// <summary>Reads parameters from a safetensors file. Every name, shape, dtype and offset is checked first; on any error the model is unchanged.</summary>");
        w.Line(adapted.Count > 0 ? "public void Load(string path) { __ThrowIfMerged(); __forwardRows = -1; __core.Load(path); }" : "public void Load(string path) { __forwardRows = -1; __core.Load(path); }");
        w.Line();

        // IModel
        w.Line($"string global::Axon.IModel.Name => {Literals.String(name)};");
        w.Line("int global::Axon.IModel.InputSize => InputSize;");
        w.Line("int global::Axon.IModel.OutputSize => OutputSize;");
        w.Line("int global::Axon.IModel.ParameterCount => ParameterCount;");
        w.Line($"global::Axon.TargetKind global::Axon.IModel.TargetKind => global::Axon.TargetKind.{(labels ? "ClassIndex" : "Values")};");
        w.Line($"bool global::Axon.IModel.HasAccuracy => {(hasAccuracy ? "true" : "false")};");
        if (hasAccuracy)
            w.Line("int global::Axon.IModel.LastTrainCorrect => __trainCorrect;");
        w.Line($"float global::Axon.IModel.TrainStep(in global::Axon.Batch batch) => TrainStep(batch.Inputs, batch.{(labels ? "Labels" : "Targets")});");
        w.Line($"global::Axon.Loss global::Axon.IModel.Loss => global::Axon.Loss.{loss};");
        w.Line("float global::Axon.IModel.InputMin => InputMin;");
        w.Line("float global::Axon.IModel.InputMax => InputMax;");
        w.Line($"float global::Axon.IModel.InputGradient(in global::Axon.Batch batch, {Span} inputGradient) => InputGradient(batch.Inputs, batch.{(labels ? "Labels" : "Targets")}, inputGradient);");
        if (plan.Adversarial is { } adversarial)
        {
            w.Line("global::Axon.Adversarial.AdversarialTrainingOptions? global::Axon.IModel.AdversarialTraining => __adversarialTraining;");
            w.Line("// [AdversarialTraining], checked at compile time; the options are immutable, so every instance shares them.");
            w.Line("private static readonly global::Axon.Adversarial.AdversarialTrainingOptions __adversarialTraining = new()");
            w.Line("{");
            w.Line($"    Epsilon = {Literals.Float(adversarial.Epsilon)},");
            w.Line($"    Method = global::Axon.Adversarial.AdversarialMethod.{adversarial.Method},");
            w.Line($"    Alpha = {Literals.Double(adversarial.Alpha)},");
            w.Line($"    Steps = {adversarial.Steps},");
            w.Line($"    StepSize = {(adversarial.StepSize > 0 ? Literals.Float(adversarial.StepSize) : "null")},");
            w.Line($"    Beta = {Literals.Double(adversarial.Beta)},");
            w.Line("};");
        }
        w.Open("global::Axon.BatchResult global::Axon.IModel.EvaluateBatch(in global::Axon.Batch batch)");
        w.Line($"var t = batch.{(labels ? "Labels" : "Targets")};");
        w.Line("int n = __Check(batch.Inputs, t, bounded: true);");
        w.Line("__Forward(batch.Inputs, n);");
        w.Line("return new global::Axon.BatchResult(__Loss(t, n)" + (loss == LossKind.MeanSquaredError ? " / OutputSize" : "") + ", __Correct(t, n));");
        w.Close();
        w.Line();

        EmitInternals(w, plan, labels);
    }

    private static void EmitAdapterApi(SourceWriter w, ModelPlan plan, System.Collections.Generic.List<LayerPlan> adapted)
    {
        string name = Literals.String(plan.Type.Name);
        w.Line("/// <summary>The LoRA adapters, one per adapted layer (<c>Weight</c> is A <c>[r, in]</c>, <c>Bias</c> is B <c>[out, r]</c>).</summary>");
        w.Line($"public global::System.Collections.Generic.IReadOnlyList<global::Axon.Layer> Adapters => [{string.Join(", ", adapted.Select(l => "__adapter_" + l.Name))}];");
        w.Line("/// <summary>Whether the adapters are folded into the base weights (<see cref=\"MergeAdapters\"/>).</summary>");
        w.Line("public bool AdaptersMerged => __adaptersMerged;");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Folds every adapter into its base weight, <c>W += (α/r)·B·A</c>, so inference costs what the plain");
        w.Line("/// model does; outputs are unchanged up to rounding. Undo with <see cref=\"UnmergeAdapters\"/>.");
        w.Line("/// </summary>");
        w.Open("public void MergeAdapters()");
        w.Line($"if (__adaptersMerged) throw new global::System.InvalidOperationException({name} + \"'s adapters are already merged.\");");
        w.Line("__Merge(1f);");
        w.Line("__adaptersMerged = true;");
        w.Close();
        w.Line();
        w.Line("/// <summary>Takes the adapters back out of the base weights, <c>W -= (α/r)·B·A</c>.</summary>");
        w.Open("public void UnmergeAdapters()");
        w.Line($"if (!__adaptersMerged) throw new global::System.InvalidOperationException({name} + \"'s adapters are not merged.\");");
        w.Line("__Merge(-1f);");
        w.Line("__adaptersMerged = false;");
        w.Close();
        w.Line();
        w.Open("private void __Merge(float sign)");
        w.Line("__forwardRows = -1;");
        w.Line("var p = __core.Parameters.Span;");
        foreach (var l in adapted)
            w.Line($"global::Axon.Kernels.LoRA.Merge(p.Slice(__{l.Name}Weight, {l.WeightCount}), p.Slice(__{l.Name}LoraA, {l.LoraRank * l.InFeatures}), p.Slice(__{l.Name}LoraB, {l.OutFeatures * l.LoraRank}), {Literals.Float(l.LoraScale)}, sign, {l.InFeatures}, {l.OutFeatures}, {l.LoraRank});");
        w.Close();
        w.Line();
        w.Open("private void __ThrowIfMerged()");
        w.Line($"if (__adaptersMerged) throw new global::System.InvalidOperationException({name} + \"'s adapters are merged into its weights; call UnmergeAdapters() before saving or loading, so the file holds base weights and adapters apart.\");");
        w.Close();
        w.Line();
        w.Line("/// <summary>Writes only the adapters (PEFT's names, <c>name.lora_A.weight</c>, <c>name.lora_B.weight</c>) to a safetensors file, atomically.</summary>");
        w.Line("public void SaveAdapters(string path) { __ThrowIfMerged(); __core.Save(path, __adapterTensors); }");
        w.Line("/// <summary>Reads only the adapters; every name, shape and value is checked first, and on any error nothing changes.</summary>");
        w.Line("public void LoadAdapters(string path) { __ThrowIfMerged(); __core.Load(path, __adapterTensors); }");
        w.Line();
    }

    private static string ShapeList(TensorShape s) => s.Spatial ? $"{s.Channels}, {s.Height}, {s.Width}" : $"{s.Channels}";

    private static string OptimizerExpression(OptimizerSpec o) => o.Kind switch
    {
        OptimizerKind.Sgd => $"new global::Axon.Optimizers.Sgd({Literals.Float(o.LearningRate)}, {Literals.Float(o.Momentum)}, {(o.Nesterov ? "true" : "false")}, {Literals.Float(o.WeightDecay)})",
        _ => $"new global::Axon.Optimizers.Adam({Literals.Float(o.LearningRate)}, {Literals.Float(o.Beta1)}, {Literals.Float(o.Beta2)}, {Literals.Float(o.Epsilon)}, {Literals.Float(o.WeightDecay)}, {(o.Kind == OptimizerKind.AdamW ? "true" : "false")})",
    };
}
