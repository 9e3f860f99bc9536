using Spectre.Console;

namespace Tap.Sidecar.Cli;

/// <summary>
/// A Spectre console over a command's output writer: plain text (tap prints no colours or other ANSI codes, so
/// there is nothing for NO_COLOR to turn off), no trailing spaces, and 80 columns unless the output is a terminal.
/// </summary>
internal static class TapConsole
{
    /// <summary>Width used when the output is not a terminal, so files and pipes get stable, diffable text.</summary>
    public const int RedirectedWidth = 80;

    public static IAnsiConsole Create(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var terminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(new TrailingSpaceTrimmer(writer)),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = terminal && Console.WindowWidth > 0 ? Console.WindowWidth : RedirectedWidth;
        return console;
    }
}
