using System.Globalization;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Cli;

/// <summary>One execution on one line for <c>tap tail</c>: a table would repeat its header with every poll.</summary>
internal static class TailLine
{
    /// <summary>id, start time, status/reason, model, tokens in/out, latency: under 80 columns for usual values.</summary>
    public static string Format(ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var outcome = $"{record.Status}/{record.Reason}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{RecordPrinter.ShortId(record.Id)} {record.StartedAt.ToUniversalTime():HH:mm:ss} {Cut(outcome, 30),-30} {Cut(RecordPrinter.Or(record.Model), 16),-16} "
            + $"{RecordPrinter.FormatCount(record.Usage?.Input)}/{RecordPrinter.FormatCount(record.Usage?.Output)} {RecordPrinter.FormatMs(record.LatencyMs)}ms");
    }

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "~";
}
