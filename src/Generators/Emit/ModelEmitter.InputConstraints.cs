using System.Linq;
using Axon.Generators.Layers;
using Axon.Generators.Model;

namespace Axon.Generators.Emit;

internal static partial class ModelEmitter
{
    /// <summary>
    /// <c>IModel.InputConstraints</c>: one segment per input member (or one for the class-level input) with its own range
    /// and kind, built once per class; the attacks, noise augmentation and TRADES project onto it.
    /// </summary>
    private static void EmitInputConstraints(SourceWriter w, ModelPlan plan, string name)
    {
        var members = plan.Layers.Where(l => l.Kind.IsInputMember).ToList();
        w.Line("// Each input column's range and kind ([Input(..., Min, Max, Ids, Immutable, Integer)]); attacks and noise project onto it.");
        w.Line("private static readonly global::Axon.InputConstraints __inputConstraints = new(InputSize,");
        if (members.Count == 0)
        {
            w.Line($"    new global::Axon.InputSegment({Literals.String(name)}, 0, InputSize, InputMin, InputMax, global::Axon.InputFeatureKind.{(plan.InputInteger ? "Integer" : "Continuous")}));");
        }
        else
        {
            for (int i = 0; i < members.Count; i++)
            {
                var m = members[i];
                var s = (InputSettings)m.Settings;
                w.Line($"    new global::Axon.InputSegment({Literals.String(m.Name)}, {m.RowOffset}, {m.OutFeatures}, {Literals.Float(s.Min)}, {Literals.Float(s.Max)}, " +
                       $"global::Axon.InputFeatureKind.{s.FeatureKind}){(i == members.Count - 1 ? ");" : ",")}");
            }
        }
        w.Line("global::Axon.InputConstraints global::Axon.IModel.InputConstraints => __inputConstraints;");
    }
}
