using System.Globalization;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary>One execution on one line for <c>tap tail</c>: a table would repeat its header with every poll.</summary>
internal static class TailLine
{
    public const int Width = TapConsole.RedirectedWidth;

    /// <summary>The longest reason code (ended_before_upstream_end): reasons line up and are never cut.</summary>
    private const int ReasonWidth = 25;

    /// <summary>
    /// id, start time, status, reason, model, tokens in/out, latency, within <see cref="Width"/> columns and without
    /// trailing spaces: the model gets what the others leave and is shortened with an ellipsis beyond it.
    /// </summary>
    public static string Format(ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var head = string.Create(CultureInfo.InvariantCulture,
            $"{RecordPrinter.ShortId(record.Id)} {record.StartedAt.ToUniversalTime():HH:mm:ss} {RecordPrinter.Or(record.Status),-10} {RecordPrinter.Or(record.Reason),-ReasonWidth} ");
        var tail = string.Create(CultureInfo.InvariantCulture,
            $" {RecordPrinter.FormatTokens(record.Usage?.Input)}/{RecordPrinter.FormatTokens(record.Usage?.Output)} {RecordPrinter.FormatLatency(record.LatencyMs)}");
        var modelWidth = Math.Max(1, Width - head.Length - tail.Length);
        return head + RecordPrinter.Shorten(RecordPrinter.Or(record.Model), modelWidth).PadRight(modelWidth) + tail;
    }
}
