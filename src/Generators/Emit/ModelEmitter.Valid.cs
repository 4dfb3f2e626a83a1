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
        // A regression (mean squared error) has no accuracy, even with one output: thresholding a predicted price at 0.5 means nothing.
        bool hasAccuracy = labels || (plan.OutputSize == 1 && loss == LossKind.BinaryCrossEntropy);

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
        string lossName = loss switch { LossKind.SoftmaxCrossEntropy => "SoftmaxCrossEntropy", LossKind.BinaryCrossEntropy => "BinaryCrossEntropy", _ => "MeanSquaredError" };
        w.Line($"private static readonly global::Axon.Compiled.ModelInfo __info = new({Literals.String(name)}, InputSize, OutputSize, global::Axon.Loss.{lossName}, __ParameterArenaLength, __WorkspacePerSample, __FixedLength + __ConvScratchLength, __{last.Name}Output, __{last.Name}Gradient, __tensors);");
        w.Line();
        w.Line("private readonly global::Axon.ModelCore __core;");
        foreach (var l in plan.Layers) w.Line($"private readonly global::Axon.Layer __layer_{l.Name};");
        foreach (var l in adapted) w.Line($"private readonly global::Axon.Layer __adapter_{l.Name};");
        if (adapted.Count > 0) w.Line("private bool __adaptersMerged => __core.AdaptersMerged;");
        if (plan.HasTrainingMode) w.Line("private bool __training;   // set by each forward pass: Dropout and BatchNorm behave differently in training");
        var sharedState = plan.Layers.Select(l => l.Kind).Distinct().Select(k => k.SharedState).OfType<(string Field, string Initialize)>().ToList();
        foreach (var state in sharedState) w.Line(state.Field);
        w.Line();

        // Constructor
        w.Line("/// <summary>");
        w.Line($"/// Creates the model with its arenas sized for <paramref name=\"maxBatchSize\"/> samples and parameters");
        w.Line("/// initialised from <paramref name=\"seed\"/>. Nothing is allocated after this.");
        w.Line("/// </summary>");
        w.Line($"/// <param name=\"maxBatchSize\">Largest batch for training and evaluation steps. Default: {plan.MaxBatchSize}.</param>");
        w.Line($"/// <param name=\"seed\">Initialisation seed. Default: {plan.Seed}.</param>");
        w.Line($"/// <param name=\"optimizer\">Replaces the declared optimizer ({Literals.Xml(SummaryWriter.OptimizerName(plan.Optimizer))}). Default: null.</param>");
        w.Line($"public {Literals.Identifier(name)}(int maxBatchSize = DefaultMaxBatchSize, int seed = DefaultSeed, global::Axon.Optimizers.Optimizer? optimizer = null)");
        w.Open($"    : this(new global::Axon.ModelCore(__info, maxBatchSize, optimizer ?? {OptimizerExpression(plan.Optimizer)}))");
        w.Line("Initialize(seed);");
        foreach (var l in adapted)
            w.Line($"__layer_{l.Name}.Freeze();   // LoRA: the base weight is frozen, the adapter trains");
        w.Close();
        w.Line();
        w.Line("// Shared by the public constructor and CreateInferenceSession: the layer handles over a model's state.");
        w.Open($"private {Literals.Identifier(name)}(global::Axon.ModelCore core)");
        w.Line("__core = core;");
        for (int i = 0; i < plan.Layers.Count; i++)
        {
            var l = plan.Layers[i];
            w.Line($"__layer_{l.Name} = new global::Axon.Layer(__core, {Literals.String(l.Name)}, {Literals.String(l.Kind.Name)}, {i}, __{l.Name}Weight, {l.WeightCount}, {l.BiasCount}, [{ShapeList(l.OutputShape)}]){LayerFlags(l.Kind)};");
        }
        for (int k = 0; k < adapted.Count; k++)
        {
            var l = adapted[k];
            // The adapter is a layer of its own for the optimizer: A is its weight, B its bias.
            w.Line($"__adapter_{l.Name} = new global::Axon.Layer(__core, {Literals.String(l.Name + "Adapter")}, \"LoRA\", {plan.Layers.Count + k}, __{l.Name}LoraA, {l.LoraRank * l.InFeatures}, {l.OutFeatures * l.LoraRank}, [{l.OutFeatures}]);");
        }
        w.Line($"__core.SetLayers([{string.Join(", ", plan.Layers.Select(l => "__layer_" + l.Name).Concat(adapted.Select(l => "__adapter_" + l.Name)))}]);");
        w.Close();
        w.Line();

        foreach (var l in plan.Layers)
        {
            if (!l.IsPartial) continue;
            w.Line($"{l.Modifiers} partial {l.TypeName} {Literals.Identifier(l.Name)} => __layer_{l.Name};".TrimStart());
        }
        w.Line();

        PublicSurface.Emit(w, plan);
        w.Line();

        // Initialize
        w.Line("// Parameters only: ModelDriver.Initialize resets the optimizer and the model's state around it.");
        w.Open("void global::Axon.Compiled.IModelKernel.Initialize(int seed)");
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
        w.Close();
        w.Line();


        if (plan.Transfers.Count > 0)
        {
            w.Open($"private void __CopyFrom({plan.TransferSource} pretrained)");
            w.Line("global::System.ArgumentNullException.ThrowIfNull(pretrained);");
            w.Line("int token = __core.Enter(\"CopyFrom\", writes: true);");
            w.Open("try");
            w.Line("var source = ((global::Axon.IModel)pretrained).Layers;");
            w.Line("var p = __core.Parameters.Span;");
            foreach (var t in plan.Transfers)
            {
                var l = plan.Layers.First(x => x.Name == t.Target);
                int count = l.WeightCount + l.BiasCount + l.Slots.Where(s => s.Region == SlotRegion.Parameters).Sum(s => s.Length);   // non-trainable parameters too (running statistics)
                w.Line($"pretrained.Parameters.Slice(source[{t.SourceIndex}].ParameterOffset, {count}).CopyTo(p.Slice(__{l.Name}Weight, {count}));");
            }
            w.Close();
            w.Line("finally { __core.Exit(token); }");
            w.Close();
            w.Line();
        }

        if (adapted.Count > 0)
        {
            w.Open("void global::Axon.Compiled.IModelKernel.MergeAdapters(float sign)");
            w.Line("var p = __core.Parameters.Span;");
            foreach (var l in adapted)
                w.Line($"global::Axon.Kernels.LoRA.Merge(p.Slice(__{l.Name}Weight, {l.WeightCount}), p.Slice(__{l.Name}LoraA, {l.LoraRank * l.InFeatures}), p.Slice(__{l.Name}LoraB, {l.OutFeatures * l.LoraRank}), {Literals.Float(l.LoraScale)}, sign, {l.InFeatures}, {l.OutFeatures}, {l.LoraRank});");
            w.Close();
            w.Line();
        }

        // IModel
        w.Line($"string global::Axon.IModel.Name => {Literals.String(name)};");
        w.Line("int global::Axon.IModel.InputSize => InputSize;");
        w.Line("int global::Axon.IModel.OutputSize => OutputSize;");
        w.Line("int global::Axon.IModel.ParameterCount => ParameterCount;");
        w.Line($"global::Axon.TargetKind global::Axon.IModel.TargetKind => global::Axon.TargetKind.{(labels ? "ClassIndex" : "Values")};");
        w.Line($"bool global::Axon.IModel.HasAccuracy => {(hasAccuracy ? "true" : "false")};");
        if (hasAccuracy)
            w.Line("int global::Axon.IModel.LastTrainCorrect => __core.TrainCorrect;");
        w.Line("float global::Axon.IModel.TrainStep(in global::Axon.Batch batch) => global::Axon.Compiled.ModelDriver.TrainStep(this, batch);");
        w.Line("float global::Axon.IModel.ComputeGradients(in global::Axon.Batch batch) => global::Axon.Compiled.ModelDriver.ComputeGradients(this, batch);");
        w.Line($"global::Axon.Loss global::Axon.IModel.Loss => global::Axon.Loss.{loss};");
        if (plan.Layers.Select(l => l.Kind.RandomStateField).FirstOrDefault(f => f is not null) is { } randomField)
            w.Line($"global::Axon.Rng? global::Axon.IModel.RandomState {{ get => {randomField}; set => {randomField} = value ?? throw new global::System.ArgumentNullException(nameof(value)); }}");
        w.Line("float global::Axon.IModel.InputMin => InputMin;");
        w.Line("float global::Axon.IModel.InputMax => InputMax;");
        EmitInputConstraints(w, plan, name);
        w.Line($"float global::Axon.IModel.InputGradient(in global::Axon.Batch batch, {Span} inputGradient) => global::Axon.Compiled.ModelDriver.InputGradient(this, batch, inputGradient);");
        w.Line("global::Axon.BatchResult global::Axon.IModel.EvaluateBatch(in global::Axon.Batch batch) => global::Axon.Compiled.ModelDriver.EvaluateBatch(this, batch);");
        w.Line("global::Axon.ModelCore global::Axon.Compiled.IModelKernel.Core => __core;");
        w.Line($"void global::Axon.Compiled.IModelKernel.Forward({ReadOnlySpan} x, int n, bool training) => __Forward(x, n, training);");
        w.Line($"void global::Axon.Compiled.IModelKernel.Backward({ReadOnlySpan} x, int n, bool parameterGradients, {Span} inputGradient) => __Backward(x, n, parameterGradients, inputGradient);");
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
        w.Line();
        EmitForwardBackward(w, plan);
    }

    private static string ShapeList(TensorShape s) => s.DimensionList;

    /// <summary>The runtime <c>Layer</c>'s init-only flags the kind sets, as an object initializer ("" when none).</summary>
    private static string LayerFlags(Layers.LayerKind kind)
    {
        var flags = new System.Collections.Generic.List<string>();
        if (kind.IsNormalization) flags.Add("IsNormalization = true");
        if (kind.IsKernel) flags.Add("IsKernel = true");
        if (kind.CollectsGhostNorms) flags.Add("CollectsGhostNorms = true");
        if (kind.BackwardIsRepeatable) flags.Add("BackwardIsRepeatable = true");
        if (kind.MixesSamples) flags.Add("MixesSamples = true");
        return flags.Count == 0 ? "" : " { " + string.Join(", ", flags) + " }";
    }

    private static string OptimizerExpression(OptimizerSpec o) => o.Kind switch
    {
        OptimizerKind.Sgd => $"new global::Axon.Optimizers.Sgd({Literals.Float(o.LearningRate)}, {Literals.Float(o.Momentum)}, {(o.Nesterov ? "true" : "false")}, {Literals.Float(o.WeightDecay)})",
        _ => $"new global::Axon.Optimizers.Adam({Literals.Float(o.LearningRate)}, {Literals.Float(o.Beta1)}, {Literals.Float(o.Beta2)}, {Literals.Float(o.Epsilon)}, {Literals.Float(o.WeightDecay)}, {(o.Kind == OptimizerKind.AdamW ? "true" : "false")})",
    };
}
