using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace Axon.Package.Tests;

/// <summary>
/// The README's getting-started program: every fenced <c>csharp</c> block preceded by a line
/// <c>&lt;!-- compilable: File.cs --&gt;</c>, grouped by file name (blocks for the same file are joined in order).
/// </summary>
internal static partial class ReadmeCode
{
    public static IReadOnlyDictionary<string, string> Extract(string markdown)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in CompilableBlock().Matches(markdown.Replace("\r\n", "\n", StringComparison.Ordinal)))
        {
            string name = match.Groups["file"].Value;
            string code = match.Groups["code"].Value;
            files[name] = files.TryGetValue(name, out string? before) ? before + "\n" + code : code;
        }
        return files;
    }

    [GeneratedRegex(@"^<!-- compilable: (?<file>[A-Za-z0-9_.]+\.cs) -->\n```csharp\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CompilableBlock();
}
