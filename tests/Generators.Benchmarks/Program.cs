// Generator latency: how long the Axon generator takes on a 50-layer model, cold (first run of a
// fresh driver, as when a project opens) and after a one-character edit (the incremental re-run
// the IDE does on every keystroke). Prints one JSON line per measurement.
//
//   dotnet run -c Release --project tests/Generators.Benchmarks [-- --layers 50 --edits 200 --steps]
//
// --steps also tracks the pipeline's steps (trackIncrementalGeneratorSteps) and prints a second line with each
// step's median time per edit kind, and the driver's own time outside the steps (parsing the generated source
// into a syntax tree, the syntax provider's walk): where an edit's time goes. Tracking itself costs time.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Axon.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

int layers = 50, edits = 200;
bool steps = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--layers" when i + 1 < args.Length: layers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--edits" when i + 1 < args.Length: edits = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--steps": steps = true; break;
        default: throw new ArgumentException($"unknown option '{args[i]}'; expected --layers N, --edits N or --steps");
    }
}

var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
    .Append(typeof(Axon.Layer).Assembly.Location).Append(typeof(Axon.ModelAttribute).Assembly.Location)
    .Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();

const int units = 64;
string source = Model(layers, units);
var tree = CSharpSyntaxTree.ParseText(source, parseOptions, path: "Model.cs");
var compilation = CSharpCompilation.Create("Bench", [tree, CSharpSyntaxTree.ParseText("class Other { }", parseOptions, path: "Other.cs")], references,
    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create([new ModelGenerator().AsSourceGenerator()], parseOptions: parseOptions,
    driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: steps));

// Cold: a fresh driver on the compilation (includes the generator's own JIT on the first call).
var clock = Stopwatch.StartNew();
var driver = NewDriver().RunGenerators(compilation);
double coldFirst = clock.Elapsed.TotalMilliseconds;
var generated = driver.GetRunResult().Results[0];
if (generated.Exception is not null || generated.Diagnostics.Length > 0 || generated.GeneratedSources.Length == 0)
    throw new InvalidOperationException($"the {layers}-layer model did not generate cleanly: {generated.Exception?.Message ?? string.Join("; ", generated.Diagnostics)}");
int generatedChars = generated.GeneratedSources.Sum(s => s.SourceText.Length);

// Cold again, JIT warm: a new driver, as when the IDE re-creates it.
clock.Restart();
NewDriver().RunGenerators(compilation);
double coldWarm = clock.Elapsed.TotalMilliseconds;

// Bytes allocated per edit: a measure of the generator's work that, unlike time, does not depend on the
// machine's load (a shared machine can make timings vary threefold).
var allocated = new Dictionary<bool, List<long>> { [true] = new(), [false] = new() };
// The process's processor time in the driver (every thread, the GC's included), summed per edit kind: unlike the wall
// time it hardly grows when other processes compete for the cores, so it compares builds on a shared machine. The
// clock ticks in 10 ms steps on Linux; over hundreds of edits the sum is still fair.
var cpu = new Dictionary<bool, double> { [true] = 0, [false] = 0 };
var cpuEdits = new Dictionary<bool, int> { [true] = 0, [false] = 0 };
static double CpuMs() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

// With --steps: per edit kind, each tracked step's time (summed over its outputs) per edit.
var stepTimes = new Dictionary<bool, Dictionary<string, List<double>>> { [true] = new(), [false] = new() };

// One-character edits in the model file alternate between a layer size change (the model changes,
// so it is re-analysed and re-emitted) and a comment change (the model's spec is equal, so the
// cached output is reused).
int layerSize = units, comment = 0;   // L25's size and the comment's number as the text has them now
double Edit(bool changesModel, int round)
{
    var text = tree.GetText();
    // Each edit really changes the text: the size toggles 64 ↔ 65 and the comment counts up (an edit that
    // replaced a text no longer there would measure a no-op re-parse instead).
    string edited = changesModel
        ? source.Replace($"[Dense({layerSize}, Activation.Relu)] public partial Layer L25", $"[Dense({layerSize = 129 - layerSize}, Activation.Relu)] public partial Layer L25")
        : source.Replace($"// comment {comment}", $"// comment {++comment}");
    if (edited == source) throw new InvalidOperationException("the edit changed nothing");
    var newTree = tree.WithChangedText(SourceText.From(edited));
    var next = compilation.ReplaceSyntaxTree(tree, newTree);
    long bytes = GC.GetTotalAllocatedBytes(precise: true);
    double cpuStart = CpuMs();
    var t = Stopwatch.StartNew();
    driver = driver.RunGenerators(next);
    double ms = t.Elapsed.TotalMilliseconds;
    cpu[changesModel] += CpuMs() - cpuStart;
    cpuEdits[changesModel]++;
    allocated[changesModel].Add(GC.GetTotalAllocatedBytes(precise: true) - bytes);
    if (steps) RecordSteps(stepTimes[changesModel], driver.GetRunResult().Results[0], ms);
    compilation = next;
    tree = newTree;
    source = edited;
    return ms;
}
Edit(true, 1);
Edit(false, 1);
// Garbage collections per 100 edits, by generation: what the allocations cost (a gen2 collection walks every
// compilation still alive; large objects, such as a string over 85 KB, count towards triggering one).
int[] Collections() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
string Per100(int[] before, int[] after) => string.Join(",", before.Select((b, g) => F(100.0 * (after[g] - b) / edits)));
var gcBefore = Collections();
var modelEdits = Enumerable.Range(0, edits).Select(i => Edit(true, i)).OrderBy(x => x).ToArray();
var gcMiddle = Collections();
var commentEdits = Enumerable.Range(0, edits).Select(i => Edit(false, i)).OrderBy(x => x).ToArray();
var gcAfter = Collections();

static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
Console.WriteLine($"{{\"layers\":{layers},\"generated_chars\":{generatedChars},\"cold_first_ms\":{F(coldFirst)},\"cold_jitted_ms\":{F(coldWarm)}," +
    $"\"edit_layer_size_median_ms\":{F(modelEdits[edits / 2])},\"edit_layer_size_p95_ms\":{F(modelEdits[edits * 95 / 100])}," +
    $"\"edit_comment_median_ms\":{F(commentEdits[edits / 2])},\"edit_comment_p95_ms\":{F(commentEdits[edits * 95 / 100])}," +
    $"\"edit_layer_size_median_allocated_kb\":{MedianKb(allocated[true])},\"edit_comment_median_allocated_kb\":{MedianKb(allocated[false])}," +
    $"\"edit_layer_size_mean_cpu_ms\":{F(cpu[true] / cpuEdits[true])},\"edit_comment_mean_cpu_ms\":{F(cpu[false] / cpuEdits[false])}," +
    $"\"edit_layer_size_gc_per_100_gen012\":[{Per100(gcBefore, gcMiddle)}],\"edit_comment_gc_per_100_gen012\":[{Per100(gcMiddle, gcAfter)}]}}");

if (steps)
    foreach (var (changesModel, name) in new[] { (true, "layer_size"), (false, "comment") })
        Console.WriteLine($"{{\"edit\":\"{name}\",\"median_ms\":{{" +
            string.Join(",", stepTimes[changesModel].Select(p => $"\"{p.Key}\":{F(p.Value.OrderBy(x => x).ElementAt(p.Value.Count / 2))}")) + "}}");

// A step's time is the sum over its outputs; "(driver)" is the run's wall time less every tracked step's.
static void RecordSteps(Dictionary<string, List<double>> into, GeneratorRunResult result, double totalMs)
{
    double tracked = 0;
    foreach (var (name, runs) in result.TrackedSteps)
    {
        double ms = runs.Sum(r => r.ElapsedTime.TotalMilliseconds);
        tracked += ms;
        if (!into.TryGetValue(name, out var list)) into[name] = list = new List<double>();
        list.Add(ms);
    }
    if (!into.TryGetValue("(driver)", out var rest)) into["(driver)"] = rest = new List<double>();
    rest.Add(totalMs - tracked);
}

static long MedianKb(List<long> bytes) => bytes.OrderBy(b => b).ElementAt(bytes.Count / 2) / 1024;

static string Model(int layers, int units)
{
    var s = new StringBuilder("using Axon;\n// comment 0\n[Model(Loss = Loss.SoftmaxCrossEntropy)]\n[Input(256)]\npublic partial class Deep\n{\n");
    for (int i = 0; i < layers - 1; i++)
        s.Append($"    [Dense({units}, Activation.Relu)] public partial Layer L{i} {{ get; }}\n");
    s.Append("    [Dense(10)] public partial Layer Logits { get; }\n}\n");
    return s.ToString();
}

