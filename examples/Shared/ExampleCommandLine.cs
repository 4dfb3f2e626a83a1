using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Axon.Examples;

/// <summary>
/// The command line every example shares (System.CommandLine): <c>--help</c> prints the options; a bad or missing
/// value, an unknown option or a missing folder prints one line saying what was expected and exits with code 2;
/// so does missing or malformed input data found later (no stack trace for a user's mistake).
/// </summary>
internal static class ExampleCommandLine
{
    /// <summary>The exit code for a usage or input-data error.</summary>
    public const int UsageError = 2;

    /// <summary>An option that takes a positive integer, <paramref name="defaultValue"/> when absent.</summary>
    public static Option<int> PositiveInt(string name, int defaultValue, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            // A value that is no integer at all is reported by the parser itself ("Cannot parse argument 'abc' ...").
            if (result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value <= 0)
                result.AddError($"{name} expects a positive integer, but was given {value}");
        });
        return option;
    }

    /// <summary>An optional positional data folder; when given it must exist.</summary>
    public static Argument<DirectoryInfo?> DataFolder(string description)
    {
        var argument = new Argument<DirectoryInfo?>("folder") { Description = description, Arity = ArgumentArity.ZeroOrOne };
        argument.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) return;
            string token = result.Tokens[0].Value;
            if (token.StartsWith('-'))
            {
                result.AddError($"unknown option '{token}'");   // else it would be taken for a folder name
                return;
            }
            var folder = new DirectoryInfo(token);
            if (!folder.Exists) result.AddError($"the data folder '{folder.FullName}' does not exist; give an existing folder, or none for the default");
        });
        return argument;
    }

    /// <summary>
    /// Parses <paramref name="args"/> against <paramref name="command"/>. Returns the result to run with, or null when
    /// the program should exit with <paramref name="exitCode"/> at once: 0 after <c>--help</c>, <see cref="UsageError"/>
    /// after one line on standard error, or what the command's action returned when it has one (it has run). From then on, a missing or malformed data file (DirectoryNotFoundException,
    /// FileNotFoundException, InvalidDataException) also ends the program with one line and <see cref="UsageError"/>.
    /// </summary>
    public static ParseResult? Parse(RootCommand command, string[] args, out int exitCode)
    {
        ParseResult result = command.Parse(args);
        string program = AppDomain.CurrentDomain.FriendlyName;
        if (result.Errors.Count > 0)
        {
            Console.Error.WriteLine($"{program}: {string.Join("; ", result.Errors.Select(e => e.Message.TrimEnd('.')))} (--help lists the options)");
            exitCode = UsageError;
            return null;
        }
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.ExceptionObject is DirectoryNotFoundException or FileNotFoundException or InvalidDataException)
            {
                Console.Error.WriteLine($"{program}: {((Exception)e.ExceptionObject).Message}");
                Environment.Exit(UsageError);
            }
        };
        if (result.Action is not null)
        {
            // --help, --version, or a command whose work is its action (RootCommand.SetAction): run it here, letting a
            // data error reach the handler above instead of System.CommandLine's handler, which prints a stack trace.
            exitCode = result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            return null;
        }
        exitCode = 0;
        return result;
    }
}
