using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Axon.Generators.Analysis;
using Axon.Generators.Diagnostics;
using Axon.Generators.Emit;
using Axon.Generators.Model;
using Axon.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Axon.Generators;

/// <summary>
/// The Axon generator. The pipeline, one tracked step each:
/// Parse (syntax + semantics → <see cref="ModelSpec"/>) → ShapeInference → Plan (arena layout,
/// no source positions) → Emit (plan → source). Diagnostics leave through their own output,
/// which maps positions back onto the real syntax trees so <c>#pragma warning disable</c> works.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ModelGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "Axon.ModelAttribute",
                predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                transform: static (ctx, ct) => ModelParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Parse);

        var inferred = parsed
            .Select(static (p, _) => ShapeInference.Run(p))
            .WithTrackingName(TrackingNames.ShapeInference);

        // [TransferFrom] is checked against the pretrained model's analysis, so every model sees all
        // of them; outputs stay equal (and downstream steps cached) unless a model really changed.
        var analyzed = inferred
            .Combine(inferred.Collect())
            .Select(static (pair, _) => TransferCheck.Run(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.Transfer);

        var plans = analyzed
            .Select(static (a, _) => ModelPlanner.Plan(a))
            .WithTrackingName(TrackingNames.Plan);

        var files = plans
            .Select(static (plan, _) => plan is null ? null : ModelEmitter.Emit(plan))
            .WithTrackingName(TrackingNames.Emit);

        context.RegisterSourceOutput(files, static (spc, file) =>
        {
            // The text stays in its pieces: no copy into one large string.
            if (file is not null) spc.AddSource(file.HintName, new ChunkedText(file.Chunks, System.Text.Encoding.UTF8));
        });

        // A type that cannot be a model still gets its layer properties implemented (throwing), so AXN0008 stands alone.
        var stubs = parsed
            .Select(static (p, _) => p.Stub)
            .WithTrackingName(TrackingNames.Stub);
        context.RegisterSourceOutput(stubs, static (spc, stub) =>
        {
            if (stub is not null) spc.AddSource(StubEmitter.HintName(stub), SourceText.From(StubEmitter.Emit(stub), System.Text.Encoding.UTF8));
        });

        var diagnostics = analyzed
            .Select(static (a, _) => a.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        // Only the reporting step sees the compilation: it rebuilds real locations from the
        // equatable LocationInfo, and re-running it is cheap.
        var helpRoot = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => HelpLinks.Root(options.GlobalOptions));

        context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider).Combine(helpRoot), static (spc, pair) =>
        {
            var ((infos, compilation), root) = pair;
            if (infos.IsEmpty) return;
            var trees = compilation.SyntaxTrees.ToDictionary(t => t.FilePath, t => t);
            foreach (var info in infos)
            {
                Location location = Location.None;
                if (info.Location is { } l)
                    location = trees.TryGetValue(l.FilePath, out var tree) ? Location.Create(tree, l.Span) : Location.Create(l.FilePath, l.Span, l.LineSpan);
                spc.ReportDiagnostic(Diagnostic.Create(HelpLinks.WithHelp(DiagnosticDescriptors.ById(info.Id), root), location, Properties(info), info.Arguments.Cast<object>().ToArray()));
            }
        });
    }

    /// <summary>The fix properties of <paramref name="info"/> (key, value, …) as Roslyn wants them; null when there are none.</summary>
    private static ImmutableDictionary<string, string?>? Properties(DiagnosticInfo info)
    {
        if (info.Properties.IsEmpty) return null;
        var builder = ImmutableDictionary.CreateBuilder<string, string?>();
        for (int i = 0; i + 1 < info.Properties.Count; i += 2)
            builder[info.Properties[i]] = info.Properties[i + 1];
        return builder.ToImmutable();
    }
}
