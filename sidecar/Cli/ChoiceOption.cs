using System.CommandLine;
using System.CommandLine.Parsing;

namespace Tap.Sidecar.Cli;

/// <summary>
/// An option that takes one of a fixed set of values. Any case is accepted and the documented (lower-case) value
/// is used, since no two values differ only in case and records store that value; anything else is a usage error
/// that lists the values (System.CommandLine's own list spans several lines).
/// </summary>
internal static class ChoiceOption
{
    public static Option<string?> Create(string name, string description, IReadOnlyList<string> choices, params string[] aliases)
    {
        var option = new Option<string?>(name, aliases) { Description = description, HelpName = "value" };
        option.CustomParser = result => Parse(result, option.Name, choices);
        return option;
    }

    public static Option<string> WithDefault(string name, string description, IReadOnlyList<string> choices, string defaultValue, params string[] aliases)
    {
        var option = new Option<string>(name, aliases) { Description = description, HelpName = "value", DefaultValueFactory = _ => defaultValue };
        option.CustomParser = result => Parse(result, option.Name, choices) ?? defaultValue;
        return option;
    }

    private static string? Parse(ArgumentResult result, string name, IReadOnlyList<string> choices)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        if (choices.FirstOrDefault(choice => choice.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase)) is { } chosen)
        {
            return chosen;
        }

        result.AddError($"{name}: '{text}' is not one of {string.Join(", ", choices)}.");
        return null;
    }
}
