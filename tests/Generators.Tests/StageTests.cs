using System;
using System.Collections.Generic;
using System.Linq;
using Axon.Generators.Analysis;
using Axon.Generators.Diagnostics;
using Axon.Generators.Emit;
using Axon.Generators.Layers;
using Axon.Generators.Model;
using Axon.Generators.Parsing;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>
/// The stages without Roslyn (NetEscapades style): hand-built specs for every layer kind go through shape
/// inference, the planner and the emitter, and each stage's answer is checked on its own.
/// </summary>
public class StageTests
{
    private static readonly LocationInfo Attribute = At(100), SizeArgument = At(110), WindowArgument = At(120), Operand = At(130);

    private static LocationInfo At(int start) => new("Model.cs", new TextSpan(start, 5), default);

    private static LayerKind Kind(string name) => LayerKinds.All.Single(k => k.Name == name);

    private static ActivationSettings Act(ActivationKind kind = ActivationKind.Identity, bool bias = true) => new(kind, 0.01f, InitKind.Default, bias);

    private static LayerSpec L(string name, string kind, LayerSettings settings, params string[] inputs) =>
        new(name, "public", true, Kind(kind), settings, At(0))
        {
            AttributeLocation = Attribute,
            Arguments = new[] { new ArgumentLocation("units", SizeArgument), new ArgumentLocation("filters", SizeArgument), new ArgumentLocation("kernel", WindowArgument),
                new ArgumentLocation("pool", WindowArgument), new ArgumentLocation("shape", SizeArgument), new ArgumentLocation("dimension", SizeArgument) }.ToEquatableArray(),
            Inputs = inputs.Select(i => new InputRef(i, Operand)).ToEquatableArray(),
        };

    private static LayerSpec Dense(string name, int units, ActivationKind act = ActivationKind.Identity, params string[] inputs) => L(name, "Dense", new DenseSettings(units, Act(act)), inputs);

    private static ModelSpec Model(int[]? input, LossKind loss, params LayerSpec[] layers) =>
        new(new TypeSpec("Demo", "M", EquatableArray<string>.Empty),
            input is null ? null : new InputSpec(input.ToEquatableArray(), float.NegativeInfinity, float.PositiveInfinity, null),
            loss, null, 42, 16, OptimizerSpec.DefaultAdam, layers.ToEquatableArray(), EquatableArray<string>.Empty);

    private static AnalyzedModel Infer(ModelSpec model) => ShapeInference.Run(new ParseResult(model, EquatableArray<DiagnosticInfo>.Empty));

    /// <summary>One valid model per kind: the layer under test, its output shape and parameters, and what its code calls.</summary>
    private sealed record Case(ModelSpec Model, string Layer, string Output, long Parameters, params string[] Emitted);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["Dense"] = new(Model([6], LossKind.MeanSquaredError, Dense("A", 4, ActivationKind.Gelu), Dense("B", 2)),
            "A", "[4]", 28, "global::Axon.Kernels.Dense.Forward(x, p.Slice(__AWeight, 24), p.Slice(__ABias, 4), __core.Buffer(__APreActivation, n * 4)", "new(\"a.weight\", [4, 6], __AWeight)"),
        ["Conv2D"] = new(Model([1, 5, 5], LossKind.MeanSquaredError,
                L("A", "Conv2D", new Conv2DSettings(2, new WindowSettings(3, 1, 1), Act(ActivationKind.Relu))), L("F", "Flatten", NoSettings.Instance), Dense("B", 2)),
            "A", "[2, 5, 5]", 20, "Conv2DShape __AShape = new(1, 5, 5, 2, 3, 1, 1, 1, 5, 5);", "new(\"a.weight\", [2, 1, 3, 3], __AWeight)"),
        ["MaxPool2D"] = new(Model([1, 4, 4], LossKind.MeanSquaredError, L("A", "MaxPool2D", new PoolSettings(new WindowSettings(2, 2, 0))), L("F", "Flatten", NoSettings.Instance), Dense("B", 2)),
            "A", "[1, 2, 2]", 0, "global::Axon.Kernels.MaxPool2D.Forward(x, __core.Buffer(__AOutput, n * 4), n, __AShape, __core.Pool);"),
        ["AvgPool2D"] = new(Model([1, 4, 4], LossKind.MeanSquaredError, L("A", "AvgPool2D", new PoolSettings(new WindowSettings(2, 1, 1))), L("F", "Flatten", NoSettings.Instance), Dense("B", 2)),
            "A", "[1, 4, 4]", 0, "Pool2DShape __AShape = new(1, 4, 4, 2, 1, 0, 0, 4, 4);", "global::Axon.Kernels.AvgPool2D.Backward("),
        ["GlobalAveragePool"] = new(Model([3, 4, 4], LossKind.MeanSquaredError, L("A", "GlobalAveragePool", NoSettings.Instance), Dense("B", 2)),
            "A", "[3]", 0, "global::Axon.Kernels.GlobalAveragePool.Forward(x, __core.Buffer(__AOutput, n * 3), n, 3, 16, __core.Pool);"),
        ["Flatten"] = new(Model([2, 3, 3], LossKind.MeanSquaredError,
                L("C", "Conv2D", new Conv2DSettings(2, new WindowSettings(1, 1, 0), Act())), L("A", "Flatten", NoSettings.Instance), Dense("B", 2)),
            "A", "[18]", 0, "global::Axon.Kernels.Dense.Forward(__core.Buffer(__COutput, n * 18)"),
        ["Reshape"] = new(Model([8], LossKind.MeanSquaredError, Dense("D", 8), L("A", "Reshape", new ReshapeSettings(new[] { 2, 2, 2 }.ToEquatableArray())), L("F", "Flatten", NoSettings.Instance), Dense("B", 2)),
            "A", "[2, 2, 2]", 0, "global::Axon.Kernels.Dense.Forward(__core.Buffer(__DOutput, n * 8), p.Slice(__BWeight, 16)"),
        ["Dropout"] = new(Model([4], LossKind.MeanSquaredError, Dense("D", 4), L("A", "Dropout", new DropoutSettings(0.5f)), Dense("B", 2)),
            "A", "[4]", 0, "private global::Axon.Rng __dropoutRng;", "global::Axon.Kernels.Dropout.Forward(__core.Buffer(__DOutput, n * 4), __core.Buffer(__AOutput, n * 4), __core.Buffer(__AMask, n * 4), 0.5f, ref __dropoutRng);"),
        ["BatchNorm"] = new(Model([3, 4, 4], LossKind.MeanSquaredError, L("A", "BatchNorm", new BatchNormSettings(0.9f, 1e-3f)), L("G", "GlobalAveragePool", NoSettings.Instance), Dense("B", 2)),
            "A", "[3, 4, 4]", 6, "new(\"a.running_var\", [3], __ARunningVar)", "global::Axon.Kernels.BatchNorm.ForwardTraining(x,"),
        ["LayerNorm"] = new(Model([5], LossKind.MeanSquaredError, Dense("D", 5), L("A", "LayerNorm", new LayerNormSettings(1e-5f)), Dense("B", 2)),
            "A", "[5]", 10, "global::Axon.Kernels.LayerNorm.Forward(__core.Buffer(__DOutput, n * 5), p.Slice(__AWeight, 5), p.Slice(__ABias, 5), __core.Buffer(__AOutput, n * 5), __core.Buffer(__ANormalized, n * 5), __core.Buffer(__AInvStd, n), n, 5, 1E-05f);"),
        ["Embedding"] = new(Model(null, LossKind.MeanSquaredError, L("U", "Input", new InputSettings(new[] { 2 }.ToEquatableArray(), 0, 9, true)),
                L("A", "Embedding", new EmbeddingSettings(10, 3), "U"), Dense("B", 1)),
            "A", "[6]", 30, "global::Axon.Kernels.Embedding.Forward(__core.Buffer(__UOutput, n * 2), p.Slice(__AWeight, 30), __core.Buffer(__AOutput, n * 6), n * 2, 10, 3);"),
        ["Add"] = new(Model([4], LossKind.MeanSquaredError, Dense("P", 4), Dense("Q", 4), L("A", "Add", NoSettings.Instance, "P", "Q"), Dense("B", 1)),
            "A", "[4]", 0, "TensorPrimitives.Add(__core.Buffer(__POutput, n * 4), __core.Buffer(__QOutput, n * 4), __core.Buffer(__AOutput, n * 4));"),
        ["Multiply"] = new(Model([4], LossKind.MeanSquaredError, Dense("P", 4), Dense("Q", 4), L("A", "Multiply", NoSettings.Instance, "P", "Q"), Dense("B", 1)),
            "A", "[4]", 0, "global::Axon.Kernels.Merge.Scale(__core.Buffer(__AGradient, n * 4), __core.Buffer(__QOutput, n * 4), __core.Buffer(__PGradient, n * 4), accumulate: false);"),
        ["Concat"] = new(Model([4], LossKind.MeanSquaredError, Dense("P", 3), Dense("Q", 2, ActivationKind.Identity, "<input>"), L("A", "Concat", NoSettings.Instance, "P", "Q"), Dense("B", 1)),
            "A", "[5]", 0, "global::Axon.Kernels.Merge.Place(__core.Buffer(__QOutput, n * 2), __core.Buffer(__AOutput, n * 5), n, 2, 5, 3);"),
        ["Dot"] = new(Model([4], LossKind.MeanSquaredError, Dense("P", 3), Dense("Q", 3, ActivationKind.Identity, "<input>"), L("A", "Dot", NoSettings.Instance, "P", "Q")),
            "A", "[1]", 0, "global::Axon.Kernels.Merge.Dot(__core.Buffer(__POutput, n * 3), __core.Buffer(__QOutput, n * 3), __core.Buffer(__AOutput, n * 1), n, 3);"),
        ["Conv1D"] = new(Model([6, 2], LossKind.MeanSquaredError,
                L("A", "Conv1D", new Conv1DSettings(3, new Window1DSettings(3, 1, 2, 2), Act(ActivationKind.Relu))), L("F", "Flatten", NoSettings.Instance), Dense("B", 2)),
            "A", "[6, 3]", 21, "Conv1DShape __AShape = new(6, 2, 3, 3, 1, 2, 4, 6);", "new(\"a.weight\", [3, 2, 3], __AWeight)",
            "global::Axon.Kernels.Conv1D.Forward(x, p.Slice(__AWeight, 18), p.Slice(__ABias, 3), __core.Buffer(__AOutput, n * 18), __core.Buffer(__AOutput, n * 18), __core.Buffer(__AColumns, n * 36), n, __AShape,"),
        ["MaxPool1D"] = new(Model([6, 2], LossKind.MeanSquaredError, L("A", "MaxPool1D", new Pool1DSettings(new Window1DSettings(2, 2, 1, 0))), L("F", "Flatten", NoSettings.Instance), Dense("B", 2)),
            "A", "[3, 2]", 0, "Pool1DShape __AShape = new(6, 2, 2, 2, 0, 3);", "global::Axon.Kernels.MaxPool1D.Forward(x, __core.Buffer(__AOutput, n * 6), n, __AShape);"),
        ["AvgPool1D"] = new(Model([5, 2], LossKind.MeanSquaredError, L("A", "AvgPool1D", new Pool1DSettings(new Window1DSettings(2, 1, 1, 1))), L("F", "Flatten", NoSettings.Instance), Dense("B", 2)),
            "A", "[5, 2]", 0, "Pool1DShape __AShape = new(5, 2, 2, 1, 0, 5);", "global::Axon.Kernels.AvgPool1D.Backward("),
        ["GlobalAveragePool1D"] = new(Model([4, 3], LossKind.MeanSquaredError, L("A", "GlobalAveragePool1D", NoSettings.Instance), Dense("B", 2)),
            "A", "[3]", 0, "global::Axon.Kernels.GlobalAveragePool1D.Forward(x, __core.Buffer(__AOutput, n * 3), n, 4, 3);"),
        ["GlobalMaxPool1D"] = new(Model([4, 3], LossKind.MeanSquaredError, L("A", "GlobalMaxPool1D", NoSettings.Instance), Dense("B", 2)),
            "A", "[3]", 0, "global::Axon.Kernels.GlobalMaxPool1D.Backward(x, "),
        ["Input"] = new(Model(null, LossKind.MeanSquaredError, L("X", "Input", new InputSettings(new[] { 3 }.ToEquatableArray(), -1, 1, false)),
                L("A", "Input", new InputSettings(new[] { 2 }.ToEquatableArray(), -2, 2, false)), L("J", "Concat", NoSettings.Instance, "X", "A"), Dense("B", 1)),
            "A", "[2]", 0, "global::Axon.Kernels.Merge.Take(x, __core.Buffer(__AOutput, n * 2), n, 2, InputSize, 3, accumulate: false);"),
        ["Gru"] = new(Model([5, 3], LossKind.MeanSquaredError, L("A", "Gru", new RecurrentSettings(4, false, true)), Dense("B", 2)),
            "A", "[4]", 108, "global::Axon.Kernels.Gru.Forward(x, p.Slice(__AWeight, 84), p.Slice(__ABias, 24), __core.Buffer(__AOutput, n * 4), __core.Buffer(__AState, n * 163), n, 5, 3, 4, returnSequences: false, __core.Pool);",
            "new(\"a.weight_hh_l0\", [12, 4], __AWeight + 36)", "new(\"a.bias_hh_l0\", [12], __ABias + 12)"),
        ["Lstm"] = new(Model([5, 3], LossKind.MeanSquaredError, L("A", "Lstm", new RecurrentSettings(4, true, false)), Dense("B", 2)),
            "A", "[5, 4]", 112, "global::Axon.Kernels.Lstm.Backward(x, p.Slice(__AWeight, 112), __core.Buffer(__AGradient, n * 20), __core.Buffer(__AState, n * 151),",
            "new(\"a.weight_ih_l0\", [16, 3], __AWeight)"),
    };

    public static TheoryData<string> KindNames
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var kind in LayerKinds.All) data.Add(kind.Name);
            return data;
        }
    }

    [Fact]
    public void EveryKindInTheTable_HasAStageCase_AndAUniqueAttribute()
    {
        Assert.Equal(LayerKinds.All.Select(k => k.Name).OrderBy(n => n), Cases.Keys.OrderBy(n => n));
        Assert.Equal(LayerKinds.All.Count, LayerKinds.All.Select(k => k.AttributeName).Distinct().Count());
        foreach (var kind in LayerKinds.All)
        {
            Assert.Same(kind, LayerKinds.FromAttribute($"Axon.{kind.Name}Attribute"));
            Assert.NotNull(typeof(Axon.ModelAttribute).Assembly.GetType(kind.AttributeName));   // the Dsl declares the attribute
        }
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public void Kind_InfersPlansAndEmits_FromAHandBuiltSpec(string kind)
    {
        var c = Cases[kind];
        var analyzed = Infer(c.Model);
        Assert.Empty(analyzed.Diagnostics);
        int i = c.Model.Layers.Select(l => l.Name).ToList().IndexOf(c.Layer);
        Assert.Same(Kind(kind), c.Model.Layers[i].Kind);
        Assert.Equal(c.Output, analyzed.Shapes[i].Output.ToString());

        var plan = ModelPlanner.Plan(analyzed)!;
        Assert.True(plan.IsValid);
        var layer = plan.Layers[i];
        Assert.Equal(c.Parameters, layer.WeightCount + layer.BiasCount);
        Assert.Equal(plan.Layers.Sum(l => (long)l.WeightCount + l.BiasCount), plan.ParameterCount);
        Assert.True(plan.ParameterArenaLength >= plan.ParameterCount && plan.ParameterArenaLength % ArenaLayout.Align == 0);
        Assert.All(plan.Layers, l => Assert.True(l.WeightOffset % ArenaLayout.Align == 0, $"{l.Name} starts at {l.WeightOffset}"));

        string text = ModelEmitter.Emit(plan).Text;
        foreach (var fragment in c.Emitted) Assert.Contains(fragment, text);
        Assert.Contains($"new global::Axon.Layer(__core, \"{c.Layer}\", \"{kind}\", {i},", text);
    }

    [Fact]
    public void Planner_GivesEveryWorkspaceBufferItsOwnRange()
    {
        foreach (var (kind, c) in Cases)
        {
            var plan = ModelPlanner.Plan(Infer(c.Model))!;
            var ranges = new List<(string Name, int Start, int End)>();
            foreach (var l in plan.Layers)
            {
                int width = (int)ArenaLayout.RoundUp(l.OutFeatures);
                if (l.OutputBuffer >= 0) ranges.Add(($"{l.Name}Output", l.OutputBuffer, l.OutputBuffer + width));
                if (l.PreActivationBuffer >= 0) ranges.Add(($"{l.Name}PreActivation", l.PreActivationBuffer, l.PreActivationBuffer + width));
                if (l.GradientBuffer >= 0) ranges.Add(($"{l.Name}Gradient", l.GradientBuffer, l.GradientBuffer + width));
                foreach (var s in l.Slots.Where(s => s.Region == SlotRegion.Workspace))
                    ranges.Add(($"{l.Name}{s.Name}", s.Offset, s.Offset + (int)ArenaLayout.RoundUp(s.Length)));
            }
            var sorted = ranges.OrderBy(r => r.Start).ToList();
            for (int k = 1; k < sorted.Count; k++)
                Assert.True(sorted[k].Start >= sorted[k - 1].End, $"{kind}: {sorted[k].Name} overlaps {sorted[k - 1].Name}");
            Assert.True(sorted.Count == 0 || sorted[^1].End <= plan.WorkspacePerSample, $"{kind}: the workspace is too short");
        }
    }

    [Fact]
    public void BatchNorm_RunningStatistics_FollowItsBias_AndItsInverseDeviation_IsFixed()
    {
        var plan = ModelPlanner.Plan(Infer(Cases["BatchNorm"].Model))!;
        var norm = plan.Layers[0];
        var slots = norm.Slots.ToDictionary(s => s.Name);
        Assert.Equal(norm.WeightOffset + 6, slots["RunningMean"].Offset);
        Assert.Equal(norm.WeightOffset + 9, slots["RunningVar"].Offset);
        Assert.Equal(SlotRegion.Fixed, slots["InvStd"].Region);
        Assert.True(plan.HasTrainingMode);
        Assert.Equal(16, plan.FixedLength);
    }

    [Fact]
    public void Flatten_BetweenTwoLayers_AliasesItsSource_AndHasNoBuffers()
    {
        var plan = ModelPlanner.Plan(Infer(Cases["Flatten"].Model))!;
        var flatten = plan.Layers[1];
        Assert.True(flatten.Aliases);
        Assert.Equal(-1, flatten.OutputBuffer);
        Assert.Equal(-1, flatten.GradientBuffer);
        Assert.DoesNotContain("__AOutput", ModelEmitter.Emit(plan).Text);
    }

    [Fact]
    public void InputMembers_GetConsecutiveColumns_AndTheLoosestRange()
    {
        var plan = ModelPlanner.Plan(Infer(Cases["Input"].Model))!;
        Assert.Equal(0, plan.Layers[0].RowOffset);
        Assert.Equal(3, plan.Layers[1].RowOffset);
        Assert.Equal(5, plan.InputSize);
        Assert.Equal((-2f, 2f), (plan.InputMin, plan.InputMax));
        // Members add their columns themselves: nothing from the shared gradient scratch may be added to the input gradient.
        Assert.DoesNotContain("TensorPrimitives.Add(inputGradient, __core.Buffer(__GradientScratch", ModelEmitter.Emit(plan).Text);
    }

    [Fact]
    public void Windows_ResolveKerasSamePadding_IntoThePlannedSettings()
    {
        var model = Model([1, 6, 6], LossKind.MeanSquaredError,
            L("A", "Conv2D", new Conv2DSettings(1, new WindowSettings(4, 2, 1), Act())), L("F", "Flatten", NoSettings.Instance), Dense("B", 1));
        var plan = ModelPlanner.Plan(Infer(model))!;
        var window = ((Conv2DSettings)plan.Layers[0].Settings).Window;
        // Same padding, n = 6, k = 4, s = 2: out 3, total padding (3 − 1)·2 + 4 − 6 = 2, one before.
        Assert.Equal((1, 1), (window.PadTop, window.PadLeft));
        Assert.Equal("[1, 3, 3]", plan.Layers[0].OutputShape.ToString());
    }

    // Diagnostics on the right argument, from specs alone.

    private static DiagnosticInfo Single(ModelSpec model) => Assert.Single(Infer(model).Diagnostics);

    [Fact]
    public void Dense_OnAnImage_IsReportedOnItsUnits()
    {
        var d = Single(Model([1, 4, 4], LossKind.MeanSquaredError, Dense("A", 2)));
        Assert.Equal(("AXN0205", SizeArgument), (d.Id, d.Location));
    }

    [Theory]
    [InlineData("MaxPool2D")]
    [InlineData("AvgPool2D")]
    [InlineData("GlobalAveragePool")]
    public void Pools_OnFeatures_AreReportedOnTheAttribute(string kind)
    {
        LayerSettings settings = kind == "GlobalAveragePool" ? NoSettings.Instance : new PoolSettings(new WindowSettings(2, 2, 0));
        var d = Single(Model([8], LossKind.MeanSquaredError, L("A", kind, settings), Dense("B", 1)));
        Assert.Equal(Attribute, d.Location);
        Assert.Contains(kind, d.Arguments);
    }

    [Fact]
    public void Conv2D_WindowLargerThanItsInput_IsReportedOnTheKernel()
    {
        var d = Single(Model([1, 3, 3], LossKind.MeanSquaredError, L("A", "Conv2D", new Conv2DSettings(2, new WindowSettings(5, 1, 0), Act())), L("F", "Flatten", NoSettings.Instance), Dense("B", 1)));
        Assert.Equal(WindowArgument, d.Location);
    }

    [Fact]
    public void Merge_OperandOfAnotherShape_IsReportedOnThatOperand_WithAResizeFix()
    {
        var d = Single(Model([4], LossKind.MeanSquaredError, Dense("P", 4), Dense("Q", 3), L("A", "Add", NoSettings.Instance, "P", "Q"), Dense("B", 1)));
        Assert.Equal(Operand, d.Location);
        Assert.Equal([FixProperties.Member, "Q", FixProperties.Parameter, "units", FixProperties.Value, "4"], d.Properties.Take(6));
    }

    [Fact]
    public void Embedding_OfFloatFeatures_IsReportedOnItsSource()
    {
        var d = Single(Model(null, LossKind.MeanSquaredError, L("U", "Input", new InputSettings(new[] { 2 }.ToEquatableArray(), 0, 9, false)),
            L("A", "Embedding", new EmbeddingSettings(10, 3), "U"), Dense("B", 1)));
        Assert.Equal(Operand, d.Location);
    }

    [Fact]
    public void Reshape_ToAnotherSize_IsReportedOnItsShape_WithTheFittingShape()
    {
        var d = Single(Model([8], LossKind.MeanSquaredError, Dense("D", 12), L("A", "Reshape", new ReshapeSettings(new[] { 2, 2, 2 }.ToEquatableArray())), L("F", "Flatten", NoSettings.Instance), Dense("B", 1)));
        Assert.Equal(SizeArgument, d.Location);
        Assert.Equal("3,2,2", d.Properties[1]);
    }

    [Fact]
    public void ModelTooLarge_IsReportedOnTheLayerThatOverflowsTheArena()
    {
        var d = Single(Model([60000], LossKind.MeanSquaredError, Dense("A", 30000), Dense("B", 40000), Dense("C", 1)));
        Assert.Equal("AXN0106", d.Id);
        Assert.Equal("B", d.Arguments[0]);
    }

    [Fact]
    public void PreActivationRule_MatchesTheRuntimeActivations()
    {
        foreach (var kind in Enum.GetValues<ActivationKind>())
        {
            var type = typeof(Axon.Layer).Assembly.GetType($"Axon.Kernels.{kind}Activation")
                ?? throw new InvalidOperationException($"no runtime activation for {kind}");
            var runtime = (Axon.Kernels.IActivation)Activator.CreateInstance(type)!;
            Assert.True(runtime.NeedsPreActivation == ActivationSettings.NeedsPreActivation(kind), $"{kind}: the runtime says {runtime.NeedsPreActivation}");
        }
    }

    [Fact]
    public void RecurrentKinds_AskForTheWorkspaceTheirKernelsNeed()
    {
        foreach (var (steps, features, units) in new[] { (1, 1, 1), (5, 3, 4), (30, 4, 64), (7, 64, 33) })
        {
            Assert.Equal(Axon.Kernels.Gru.WorkspaceLength(steps, features, units), ((RecurrentKind)Kind("Gru")).WorkspaceLength(steps, features, units));
            Assert.Equal(Axon.Kernels.Lstm.WorkspaceLength(steps, features, units), ((RecurrentKind)Kind("Lstm")).WorkspaceLength(steps, features, units));
        }
    }

    [Fact]
    public void Recurrent_OnFeatures_ReportsAxn0140_WithTheSequenceFix()
    {
        var d = Single(Model([6], LossKind.MeanSquaredError, L("A", "Lstm", new RecurrentSettings(4, false, true)), Dense("B", 1)));
        Assert.Equal("AXN0140", d.Id);
        Assert.Equal(Attribute, d.Location);
        Assert.Contains(d.Arguments, a => a.Contains("[Input(T, F)]"));
        Assert.Contains("[6]", d.Arguments);
    }
}
