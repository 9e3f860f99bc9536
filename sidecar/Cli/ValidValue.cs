using System.CommandLine;
using System.CommandLine.Parsing;

namespace Tap.Sidecar.Cli;

/// <summary>
/// An option's value in a command validator, or nothing when the option's own parser rejected it: System.CommandLine
/// throws when such a value is read, and that error is already reported.
/// </summary>
internal static class ValidValue
{
    public static T? Of<T>(CommandResult result, Option<T> option)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            return result.GetValue(option);
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }
}
