using System.Globalization;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Cli;

/// <summary>One execution on one line for <c>tap tail</c>: a table would repeat its header with every poll.</summary>
internal static class TailLine
{
    /// <summary>id, start time, status, reason, model, tokens in/out, latency, in aligned columns.</summary>
    public static string Format(ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return string.Create(CultureInfo.InvariantCulture,
            $"{RecordPrinter.ShortId(record.Id)} {record.StartedAt.ToUniversalTime():HH:mm:ss} {record.Status,-10} {Cut(record.Reason, 23),-23} "
            + $"{Cut(RecordPrinter.Or(record.Model), 18),-18} {RecordPrinter.FormatCount(record.Usage?.Input)}/{RecordPrinter.FormatCount(record.Usage?.Output)} "
            + $"{RecordPrinter.FormatMs(record.LatencyMs)}ms");
    }

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "~";
}
