using Tap.Sidecar.Store;

namespace Tap.Sidecar.Cli;

/// <summary>Opens the record database for a CLI command: read-only, never creating it.</summary>
internal static class CliStore
{
    /// <summary>
    /// <see cref="ExitCodes.Ok"/> with a store, or with none when the file does not exist (the command decides
    /// what that means); <see cref="ExitCodes.DatabaseUnavailable"/> with the reason written to <paramref name="error"/>.
    /// </summary>
    public static int TryOpen(string path, TextWriter error, out RecordStore? store)
    {
        store = null;
        if (!File.Exists(path))
        {
            error.WriteLine($"No database at {path} yet: nothing has been recorded.");
            return ExitCodes.Ok;
        }

        try
        {
            store = new RecordStore(path, readOnly: true);
            return ExitCodes.Ok;
        }
        catch (Exception exception)
        {
            // Not only IOException and LiteException: LiteDB reading a file that is not a database throws whatever
            // the garbage decodes to (ArgumentOutOfRangeException for impossible dates, for one).
            error.WriteLine($"Cannot open the database {path}: {exception.Message}");
            error.WriteLine("A running 'tap serve' holds the file exclusively: query it while it is stopped, or use another --db.");
            return ExitCodes.DatabaseUnavailable;
        }
    }
}
