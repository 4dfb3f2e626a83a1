using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Axon.Generators.Diagnostics;
using Axon.Generators.Layers;
using Axon.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generators.Parsing;

/// <summary>Attribute syntax and semantic model in, <see cref="ParseResult"/> out. Never throws on user input.</summary>
internal static class ModelParser
{
    private const string InputAttribute = "Axon.InputAttribute";

    private const string SgdAttribute = "Axon.SgdAttribute";
    private const string AdamAttribute = "Axon.AdamAttribute";
    private const string AdamWAttribute = "Axon.AdamWAttribute";
    private const string LayerType = "Axon.Layer";
    private const string TransferFromAttribute = "Axon.TransferFromAttribute";
    private const string AdversarialTrainingAttribute = "Axon.AdversarialTrainingAttribute";

    /// <summary>Public members the generator emits (<see cref="Emit.PublicSurface"/>); a user member with one of these names is AXN0104.</summary>
    internal static IReadOnlyCollection<string> Reserved => Emit.PublicSurface.Names;

    /// <param name="readSyntax">
    /// Whether plain layer attributes are read from their syntax (<see cref="SyntaxAttributes"/>) rather than bound; false
    /// only in the test that checks both ways give the same result.
    /// </param>
    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken, bool readSyntax = true)
    {
        var diagnostics = new List<DiagnosticInfo>();
        if (context.TargetNode is not TypeDeclarationSyntax declaration || context.TargetSymbol is not INamedTypeSymbol type)
            return new(null, EquatableArray<DiagnosticInfo>.Empty);

        // [Model] on two parts of one partial class (CS0579 already): emit once, for the first part.
        var firstModelPart = type.GetAttributes()
            .Where(a => a.AttributeClass?.ToDisplayString() == "Axon.ModelAttribute" && a.ApplicationSyntaxReference is not null)
            .Select(a => a.ApplicationSyntaxReference!.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>())
            .FirstOrDefault();
        if (firstModelPart is not null && firstModelPart != declaration)
            return new(null, EquatableArray<DiagnosticInfo>.Empty);

        var nameLocation = LocationInfo.From(declaration.Identifier);
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelNotPartial, nameLocation, type.Name));
            // The stub's partial re-declaration turns the compiler's two errors per layer (CS0751, CS9248) into one CS0260
            // ("missing partial modifier") on the same name AXN0001 marks: C# reports that one whatever a generator does.
            return new(null, diagnostics.ToEquatableArray()) { Stub = Stub(type, declaration, "a model class must be declared partial (AXN0001)", cancellationToken) };
        }

        string? unsupported = type.IsStatic ? "static" : type.IsFileLocal ? "file-local" : type.IsGenericType ? "generic" : type.IsRecord ? "a record" : type.TypeKind != TypeKind.Class ? "a " + type.TypeKind.ToString().ToLowerInvariant() : null;
        if (unsupported is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedModelType, nameLocation, type.Name, unsupported));
            return new(null, diagnostics.ToEquatableArray()) { Stub = Stub(type, declaration, $"a model cannot be {unsupported} (AXN0008)", cancellationToken) };
        }

        var containers = new List<string>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            var outerSyntax = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().ToList();
            if (!outerSyntax.Any(s => s.Modifiers.Any(SyntaxKind.PartialKeyword)))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, nameLocation, type.Name, outer.Name));
                // As for AXN0001: the stub's partial re-declaration of the containers leaves one CS0260 on the container
                // instead of CS9248 on every layer.
                return new(null, diagnostics.ToEquatableArray()) { Stub = Stub(type, declaration, $"a model's containing types must be declared partial (AXN0009)", cancellationToken) };
            }
            var first = outerSyntax[0];
            string keyword = first is RecordDeclarationSyntax record
                ? "record " + (record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "struct " : "")
                : first.Keyword.ValueText + " ";
            containers.Insert(0, "partial " + keyword + Emit.Literals.Identifier(outer.Name) + (first.TypeParameterList?.ToString() ?? ""));
        }

        string ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
        bool hidesBase = false;
        for (var b = type.BaseType; b is not null && !hidesBase; b = b.BaseType)
            hidesBase = b.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Axon.ModelAttribute");
        var typeSpec = new TypeSpec(ns, type.Name, containers.ToEquatableArray()) { HidesBaseModel = hidesBase };

        // [Model]
        var model = new AttributeReader(context.Attributes[0], cancellationToken);
        bool bindingErrors = !model.IsBound;
        var loss = (LossKind)model.Named("Loss", 0);
        var lossLocation = model.HasNamed("Loss") ? model.NamedLocation("Loss") : model.NameLocation;
        if (!Enum.IsDefined(typeof(LossKind), loss))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidEnumValue, lossLocation, "Loss", (int)loss));
            bindingErrors = true;
        }
        int seed = model.Named("Seed", 42);
        int maxBatch = model.Named("MaxBatchSize", 256);
        if (maxBatch <= 0)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidMaxBatchSize, model.NamedLocation("MaxBatchSize"), maxBatch));

        InputSpec? input = null;
        TransferSpec? transfer = null;
        LoraSpec? lora = null;
        OptimizerSpec? optimizer = null;
        AdversarialSpec? adversarial = null;
        string? optimizerName = null;
        foreach (var attribute in type.GetAttributes())
        {
            string? name = attribute.AttributeClass?.ToDisplayString();
            var reader = new AttributeReader(attribute, cancellationToken);
            if (name is InputAttribute or SgdAttribute or AdamAttribute or AdamWAttribute && !reader.IsBound)
            {
                bindingErrors = true;
                continue;
            }
            switch (name)
            {
                case InputAttribute:
                    input = ParseInput(reader, diagnostics);
                    break;
                case AdversarialTrainingAttribute when reader.IsBound:
                    adversarial = ParseAdversarial(reader, loss, diagnostics, ref bindingErrors);
                    break;
                case TransferFromAttribute when reader.IsBound:
                    transfer = ParseTransfer(reader);
                    break;
                case "Axon.LoRAAttribute" when reader.IsBound:
                {
                    var names = reader.PositionalArray(1);
                    var targets = new List<InputRef>();
                    for (int i = 0; i < names.Length; i++)
                        targets.Add(new InputRef(names[i].Value as string ?? "", reader.PositionalLocation(1 + i, "targets")));
                    lora = new LoraSpec(reader.Positional(0, 0), reader.Named("Alpha", 0f), reader.PositionalLocation(0, "rank"),
                        reader.NamedLocation("Alpha"), targets.ToEquatableArray());
                    break;
                }
                case SgdAttribute or AdamAttribute or AdamWAttribute:
                    string shortName = name.Substring("Axon.".Length, name.Length - "Axon.".Length - "Attribute".Length);
                    if (optimizer is not null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MultipleOptimizers, reader.NameLocation, type.Name, optimizerName!, shortName));
                        continue;
                    }
                    optimizerName = shortName;
                    optimizer = ParseOptimizer(reader, shortName, diagnostics);
                    break;
            }
        }


        var layers = new List<LayerSpec>();
        var reservedConflicts = new List<string>();
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.IsImplicitlyDeclared) continue;
            var syntax = constructor.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).FirstOrDefault();
            if (syntax is TypeDeclarationSyntax primary)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConstructorNotChained, LocationInfo.From(primary.ParameterList), type.Name, "a primary constructor"));
                reservedConflicts.Add("(primary constructor)");   // the generated constructor could not chain to it: emit the layers only
            }
            else if (syntax is ConstructorDeclarationSyntax { Initializer: not { RawKind: (int)SyntaxKind.ThisConstructorInitializer } } user)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConstructorNotChained, LocationInfo.From(user.Identifier), type.Name, "a constructor that does not chain to it"));
        }
        var syntaxAttributes = readSyntax ? new SyntaxAttributes(context.SemanticModel, declaration, cancellationToken) : null;
        void AddLayer(IPropertySymbol property, LayerKind kind, AttributeReader reader)
        {
            layers.Add(ParseLayer(property, kind, reader, diagnostics, cancellationToken));
            if (Reserved.Contains(property.Name))
            {
                reservedConflicts.Add(property.Name);
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReservedMemberName, LocationInfo.From(property.Locations.FirstOrDefault()), property.Name, type.Name));
            }
        }
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsImplicitlyDeclared) continue;
            if (syntaxAttributes?.TryRead(member, out var syntaxKind) is { } syntaxReader)
            {
                AddLayer((IPropertySymbol)member, syntaxKind!, syntaxReader);
                continue;
            }
            AttributeData? layerAttribute = null;
            LayerKind? kind = null;
            foreach (var candidate in member.GetAttributes())
            {
                if (LayerKinds.FromAttribute(candidate.AttributeClass) is not { } candidateKind) continue;
                if (layerAttribute is null)
                {
                    layerAttribute = candidate;
                    kind = candidateKind;
                }
                else
                {
                    var second = new AttributeReader(candidate, cancellationToken);
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MultipleLayerAttributes, second.NameLocation, member.Name, kind!.Name, candidateKind.Name));
                }
            }
            if (layerAttribute is null)
            {
                // Names starting with "__" are the generated code's own (fields, arena offsets, helpers).
                if ((Reserved.Contains(member.Name) || member.Name.StartsWith("__", StringComparison.Ordinal))
                    && member is not IMethodSymbol { MethodKind: not MethodKind.Ordinary })
                {
                    reservedConflicts.Add(member.Name);
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReservedMemberName, LocationInfo.From(member.Locations.FirstOrDefault()), member.Name, type.Name));
                }
                continue;
            }
            if (member is not IPropertySymbol property) continue;
            var reader = new AttributeReader(layerAttribute, cancellationToken);
            if (!reader.IsBound)
            {
                bindingErrors = true;
                continue;
            }
            AddLayer(property, kind!, reader);
        }

        var inputMembers = layers.Where(l => l.Kind.IsInputMember).ToList();
        if (input is null && inputMembers.Count == 0)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput, nameLocation, type.Name));
        if (input is not null && inputMembers.Count > 0)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassAndMemberInputs, input.Location, type.Name, string.Join(", ", inputMembers.Select(l => l.Name))));
        if (layers.Count == inputMembers.Count)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, nameLocation, type.Name));
        if (loss == LossKind.None)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingLoss, lossLocation, type.Name));

        if (bindingErrors)
            reservedConflicts.Add("");   // marks the model invalid without a diagnostic: the user already sees a C# error

        var spec = new ModelSpec(typeSpec, input, loss, lossLocation, seed, maxBatch, optimizer ?? OptimizerSpec.DefaultAdam,
            layers.ToEquatableArray(), reservedConflicts.ToEquatableArray()) { Transfer = transfer, Lora = lora, Adversarial = adversarial, MaxBatchSizeLocation = model.HasNamed("MaxBatchSize") ? model.NamedLocation("MaxBatchSize") : null };
        return new(spec, diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// The re-declaration that implements a non-model type's get-only partial layer properties (a Layer-typed property
    /// with an attribute), so the user sees AXN0008 (or AXN0001) and not a CS9248 per layer. Null for a nested or static type: a
    /// nested one may sit in a type that is not partial, and a static class cannot have these members anyway.
    /// </summary>
    private static StubSpec? Stub(INamedTypeSymbol type, TypeDeclarationSyntax declaration, string reason, System.Threading.CancellationToken cancellationToken)
    {
        if (type.IsStatic || type.IsFileLocal) return null;   // a file-local type cannot be extended from another file
        var containers = new List<string>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            var first = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().FirstOrDefault();
            if (first is null || outer.IsFileLocal) return null;
            string outerKeyword = first is RecordDeclarationSyntax outerRecord
                ? "record " + (outerRecord.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "struct " : "")
                : first.Keyword.ValueText + " ";
            containers.Insert(0, "partial " + outerKeyword + Emit.Literals.Identifier(outer.Name) + (first.TypeParameterList?.ToString() ?? ""));
        }
        var members = new List<StubMember>();
        // A name declared twice (CS0102 already): an implementation would pair with whichever declaration C# picks, so none.
        var declaredTwice = new HashSet<string>(declaration.Members.OfType<PropertyDeclarationSyntax>().GroupBy(p => p.Identifier.ValueText)
            .Where(g => g.Count() > 1).Select(g => g.Key));
        foreach (var property in declaration.Members.OfType<PropertyDeclarationSyntax>())
        {
            if (!property.Modifiers.Any(SyntaxKind.PartialKeyword) || property.AttributeLists.Count == 0
                || property.ExpressionBody is not null || property.AccessorList is not { Accessors: { Count: 1 } accessors }
                || !accessors[0].IsKind(SyntaxKind.GetAccessorDeclaration) || accessors[0].Body is not null || accessors[0].ExpressionBody is not null
                || property.Type.ToString() is not ("Layer" or "Axon.Layer" or "global::Axon.Layer"))
                continue;
            if (declaredTwice.Contains(property.Identifier.ValueText)) continue;
            string modifiers = string.Join(" ", property.Modifiers.Where(m => !m.IsKind(SyntaxKind.PartialKeyword)).Select(m => m.ValueText));
            members.Add(new StubMember(modifiers, "global::Axon.Layer", Emit.Literals.Identifier(property.Identifier.ValueText)));
        }
        if (members.Count == 0) return null;
        string keyword = declaration is RecordDeclarationSyntax record
            ? "record " + (record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "struct " : "")
            : declaration.Keyword.ValueText + " ";
        string ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
        return new StubSpec(ns, type.Name, "partial " + keyword + Emit.Literals.Identifier(type.Name) + (declaration.TypeParameterList?.ToString() ?? ""),
            reason, members.ToEquatableArray(), containers.ToEquatableArray());
    }

    /// <summary>
    /// <c>[AdversarialTraining]</c>: the same checks <c>Trainer.Fit</c> would make at run time, reported while typing on
    /// the argument that is wrong. What depends on the batch size (α as a fraction p/q, 2·BatchSize ≤ MaxBatchSize) stays
    /// a run-time check: the batch size is a Fit option.
    /// </summary>
    private static AdversarialSpec ParseAdversarial(AttributeReader reader, LossKind loss, List<DiagnosticInfo> diagnostics, ref bool bindingErrors)
    {
        float epsilon = reader.Positional(0, 0f);
        var method = (AdversarialMethodKind)reader.Named("Method", 0);
        double alpha = reader.Named("Alpha", 0.5), beta = reader.Named("Beta", 6.0);
        int steps = reader.Named("Steps", 7);
        float stepSize = reader.Named("StepSize", 0f);

        void Check(bool ok, string property, LocationInfo? location, string value, string expected)
        {
            if (!ok)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidAdversarialTraining, location, property, value, expected));
        }

        Check(epsilon >= 0 && !float.IsInfinity(epsilon), "Epsilon", reader.PositionalLocation(0, "epsilon"), Literal(epsilon), "a finite value ≥ 0 (raw input units)");
        if (!Enum.IsDefined(typeof(AdversarialMethodKind), method))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidEnumValue, reader.NamedLocation("Method"), "AdversarialMethod", (int)method));
            bindingErrors = true;
        }
        Check(alpha >= 0 && alpha <= 1, "Alpha", reader.NamedLocation("Alpha"), Literal(alpha), "a weight in [0, 1]");
        Check(steps >= 1, "Steps", reader.NamedLocation("Steps"), steps.ToString(System.Globalization.CultureInfo.InvariantCulture), "at least 1");
        Check(stepSize >= 0 && !float.IsInfinity(stepSize), "StepSize", reader.NamedLocation("StepSize"), Literal(stepSize), "a finite value ≥ 0 (0: 2.5·ε/Steps)");
        Check(beta >= 0 && beta <= float.MaxValue, "Beta", reader.NamedLocation("Beta"), Literal(beta), "a finite value ≥ 0");
        if (method == AdversarialMethodKind.Trades && loss is not (LossKind.SoftmaxCrossEntropy or LossKind.None))
            Check(false, "Method", reader.NamedLocation("Method"), "Trades",
                $"Fgsm or Pgd for a model trained with Loss.{loss}: TRADES' robust term KL(p(x) ‖ p(x')) compares class distributions, so it needs Loss.SoftmaxCrossEntropy");
        return new AdversarialSpec(epsilon, method, alpha, steps, stepSize, beta);
    }

    internal static InputSpec ParseInput(AttributeReader reader, List<DiagnosticInfo> diagnostics, bool member = false)
    {
        var values = reader.PositionalArray(0);
        var shape = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            shape[i] = values[i].Value is int d ? d : 0;
            if (shape[i] <= 0)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, reader.PositionalLocation(i, "shape"),
                    ShapeText(shape, values.Length), $"dimension {i} is {shape[i]}, expected a positive size"));
        }
        if (values.Length is not (1 or 2 or 3))
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, reader.NameLocation,
                ShapeText(shape, values.Length), $"it has {values.Length} dimensions, expected [features], [steps, features] or [channels, height, width]"));

        float min = reader.Named("Min", float.NegativeInfinity), max = reader.Named("Max", float.PositiveInfinity);
        if (!(min < max))
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputRange,
                reader.HasNamed("Min") ? reader.NamedLocation("Min") : reader.NamedLocation("Max"), Literal(min), Literal(max)));
        bool integer = reader.Named("Integer", false), immutable = reader.Named("Immutable", false), ids = member && reader.Named("Ids", false);
        // What attacks may change is checked here, where the squiggle can sit on the argument that is wrong.
        if (immutable && !member)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputConstraint, reader.NamedLocation("Immutable"),
                "Immutable = true on the class-level input", "it would leave attacks nothing to change; declare the inputs as members and mark only the immutable ones"));
        if (ids && (immutable || integer))
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputConstraint, reader.NamedLocation(immutable ? "Immutable" : "Integer"),
                $"{(immutable ? "Immutable" : "Integer")} = true with Ids = true", "ids are never perturbed; remove it"));
        else if (immutable && integer)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputConstraint, reader.NamedLocation("Integer"),
                "Integer = true with Immutable = true", "immutable values are never perturbed, so rounding never applies; keep one"));
        if (integer)
            foreach (var (bound, value) in new[] { ("Min", min), ("Max", max) })
                if (!float.IsInfinity(value) && !float.IsNaN(value) && value != (float)Math.Round(value))
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputConstraint, reader.NamedLocation(bound),
                        $"Integer = true with {bound} = {Literal(value)}", "the bounds of an integer input must be integers (or unbounded)"));
        return new InputSpec(shape.ToEquatableArray(), min, max, reader.Location) { Integer = integer, Immutable = immutable };
    }

    private static TransferSpec ParseTransfer(AttributeReader reader)
    {
        var typeLocation = reader.PositionalLocation(0, "pretrained");
        var source = reader.Data.ConstructorArguments.Length > 0 ? reader.Data.ConstructorArguments[0].Value as INamedTypeSymbol : null;
        bool isModel = source is not null && source.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Axon.ModelAttribute");
        string name = source is null ? "" : source.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.None));
        // The same full name the source model's own TypeSpec reports (namespace + nested name), to find its analysis.
        string fullName = source is null ? "" : (source.ContainingNamespace.IsGlobalNamespace ? "" : source.ContainingNamespace.ToDisplayString() + ".") + source.Name;
        var values = reader.PositionalArray(1);
        var entries = new List<TransferEntry>();
        for (int i = 0; i < values.Length; i++)
        {
            string text = values[i].Value as string ?? "";
            int eq = text.IndexOf('=');
            string target = (eq < 0 ? text : text.Substring(0, eq)).Trim(), from = (eq < 0 ? text : text.Substring(eq + 1)).Trim();
            entries.Add(new TransferEntry(target, from, reader.PositionalLocation(1 + i, "layers")));
        }
        return new TransferSpec(isModel ? fullName : name, source is null ? "" : source.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            isModel, typeLocation, entries.ToEquatableArray());
    }

    private static OptimizerSpec ParseOptimizer(AttributeReader reader, string name, List<DiagnosticInfo> diagnostics)
    {
        var d = OptimizerSpec.DefaultAdam;
        var kind = name switch { "Sgd" => OptimizerKind.Sgd, "AdamW" => OptimizerKind.AdamW, _ => OptimizerKind.Adam };
        float lr = reader.Named("LearningRate", kind == OptimizerKind.Sgd ? 0.01f : d.LearningRate);
        float beta1 = reader.Named("Beta1", d.Beta1), beta2 = reader.Named("Beta2", d.Beta2), eps = reader.Named("Epsilon", d.Epsilon);
        float momentum = reader.Named("Momentum", 0f);
        bool nesterov = reader.Named("Nesterov", false);
        float decay = reader.Named("WeightDecay", kind == OptimizerKind.AdamW ? 0.01f : 0f);

        void Check(bool ok, string property, float value, string expected)
        {
            if (!ok)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidOptimizerSetting, reader.NamedLocation(property), name, property, Literal(value), expected));
        }

        Check(lr > 0 && !float.IsInfinity(lr), "LearningRate", lr, "a positive, finite number");
        Check(decay >= 0 && !float.IsInfinity(decay), "WeightDecay", decay, "a non-negative, finite number");
        if (kind == OptimizerKind.Sgd)
        {
            Check(momentum >= 0 && momentum < 1, "Momentum", momentum, "a value in [0, 1)");
            if (nesterov && !(momentum > 0))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NesterovWithoutMomentum, reader.NamedLocation("Nesterov"), Literal(momentum)));
        }
        else
        {
            Check(beta1 >= 0 && beta1 < 1, "Beta1", beta1, "a value in [0, 1)");
            Check(beta2 >= 0 && beta2 < 1, "Beta2", beta2, "a value in [0, 1)");
            Check(eps > 0 && !float.IsInfinity(eps), "Epsilon", eps, "a positive, finite number");
        }
        return new OptimizerSpec(kind, lr, beta1, beta2, eps, momentum, nesterov, decay);
    }

    private static LayerSpec ParseLayer(IPropertySymbol property, LayerKind kind, AttributeReader reader, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var syntax = property.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<PropertyDeclarationSyntax>().FirstOrDefault();
        var nameLocation = LocationInfo.From(property.Locations.FirstOrDefault());
        string modifiers = syntax is null ? "public" : string.Join(" ", syntax.Modifiers.Where(m => !m.IsKind(SyntaxKind.PartialKeyword)).Select(m => m.ValueText));

        // Formatting a symbol is costly and this runs for every layer on every keystroke: the usual type, Axon.Layer, is
        // recognised by its parts (it formats as LayerType, or as "global::" + LayerType fully qualified).
        bool isLayerType = IsAxonLayer(property.Type);
        string typeName = isLayerType ? LayerType : property.Type.ToDisplayString();
        bool isPartialDefinition = syntax is not null
            && syntax.Modifiers.Any(SyntaxKind.PartialKeyword)
            && syntax.ExpressionBody is null
            && syntax.AccessorList is { } accessors
            && accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null);
        string? problem =
            syntax is null ? "it is not a property declaration"
            : !isPartialDefinition ? "it is not a partial property without accessor bodies"
            : property.IsStatic ? "it is static"
            : typeName != LayerType ? $"its type is '{typeName}'"
            : syntax.AccessorList!.Accessors.Count != 1 || !syntax.AccessorList.Accessors[0].IsKind(SyntaxKind.GetAccessorDeclaration) ? "it must have a get accessor only"
            : null;
        if (problem is not null)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedLayerMember, nameLocation, property.Name, problem));

        var context = new LayerParseContext(property.Name, reader, diagnostics);
        var settings = kind.Parse(context);
        return new LayerSpec(property.Name, modifiers, isPartialDefinition && !property.IsStatic && typeName == LayerType && problem is null,
            kind, settings, nameLocation)
        {
            TypeName = isLayerType ? "global::" + LayerType : property.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            Accessors = syntax?.AccessorList is { } list ? string.Join(",", list.Accessors.Select(a => a.Keyword.ValueText)) : "get",
            IsPartial = isPartialDefinition,
            AttributeLocation = reader.NameLocation,
            Arguments = context.Arguments,
            Inputs = (reader.Named<string?>("From", null) is { } from ? [new InputRef(from, reader.NamedLocation("From"))] : context.Inputs).ToEquatableArray(),
        };
    }

    /// <summary>Whether <paramref name="type"/> is <c>Axon.Layer</c> itself, not annotated nullable (which formats as <c>Axon.Layer?</c>).</summary>
    private static bool IsAxonLayer(ITypeSymbol type) =>
        type is INamedTypeSymbol
        {
            TypeKind: TypeKind.Class, Name: "Layer", Arity: 0, ContainingType: null, NullableAnnotation: not NullableAnnotation.Annotated,
            ContainingNamespace: { Name: "Axon", ContainingNamespace.IsGlobalNamespace: true },
        };

    private static string ShapeText(int[] shape, int length) => "[" + string.Join(", ", shape.Take(length)) + "]";

    private static string Literal(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static string Literal(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
