using System.Globalization;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary>How <c>tap stats</c> and <c>tap list</c> word the executions shims served and that were never recorded.</summary>
internal static class LossText
{
    public static string Headline(long total) => $"{Served(total)} never recorded (dropped whole by shims):";

    /// <summary>One gateway's count for one reason, e.g. <c>gw-a: 10 spool_full</c>.</summary>
    public static string Describe(LossCount loss) => string.Create(CultureInfo.InvariantCulture,
        $"{loss.Gateway}: {loss.Count} {Reason(loss.Reason)}");

    /// <summary>The one line <c>tap list</c> writes on stderr.</summary>
    public static string Note(IReadOnlyList<LossCount> losses) => string.Create(CultureInfo.InvariantCulture,
        $"Note: {Served(losses.Sum(l => l.Count))} never recorded (dropped whole by shims; {string.Join("; ", losses.Select(Describe))}). See tap stats.");

    public static string Reason(string reason) => reason == ShimLossReport.HandshakeReason
        ? "handshake (an older shim's count; not checked against records)"
        : reason;

    private static string Served(long total) => string.Create(CultureInfo.InvariantCulture,
        $"{total} served {(total == 1 ? "execution was" : "executions were")}");
}
