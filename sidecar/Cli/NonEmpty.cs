using System.CommandLine;

namespace Tap.Sidecar.Cli;

/// <summary>Paths and ids may not be empty: <c>--db ""</c> or <c>show ""</c> is a typo, never a request for a default.</summary>
internal static class NonEmpty
{
    public static Option<T> Require<T>(Option<T> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            if (result.Tokens.Any(token => string.IsNullOrWhiteSpace(token.Value)))
            {
                result.AddError($"{option.Name} must not be empty.");
            }
        });
        return option;
    }

    public static Argument<T> Require<T>(Argument<T> argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        argument.Validators.Add(result =>
        {
            if (result.Tokens.Any(token => string.IsNullOrWhiteSpace(token.Value)))
            {
                result.AddError($"The {argument.Name} must not be empty.");
            }
        });
        return argument;
    }
}
