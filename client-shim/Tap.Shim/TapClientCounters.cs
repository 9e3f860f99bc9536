using System.Globalization;
using System.Text;

namespace Tap.Shim;

/// <summary>
/// A snapshot of what a <see cref="TapClient"/> has done since it was created (<see cref="TapClient.Counters"/>). A class of
/// named properties, so that a later version adds counters without breaking code built against this one.
/// </summary>
public sealed class TapClientCounters
{
    /// <summary>Executions started by the proxy.</summary>
    public long ExecutionsStarted { get; init; }

    /// <summary>
    /// Executions dropped whole before the sidecar had all of them (memory cap without a spool, spool full, unreadable spool
    /// records), oldest first; reported to the sidecar in loss reports as they happen, and in the handshake.
    /// </summary>
    public long ExecutionsDropped { get; init; }

    /// <summary>Executions the sidecar confirmed as recorded (their frames are then released).</summary>
    public long ExecutionsAcknowledged { get; init; }

    /// <summary>Frames accepted into the buffer.</summary>
    public long FramesQueued { get; init; }

    /// <summary>Frames written to the sidecar the first time.</summary>
    public long FramesWritten { get; init; }

    /// <summary>Frames written again on a new connection because their execution was not acknowledged yet.</summary>
    public long FramesReplayed { get; init; }

    /// <summary>Frames dropped with their execution.</summary>
    public long FramesDropped { get; init; }

    /// <summary>Bytes written to the sidecar.</summary>
    public long BytesWritten { get; init; }

    /// <summary>Bytes held now: frames not yet written, and frames of executions not yet acknowledged.</summary>
    public long BufferedBytes { get; init; }

    /// <summary>Successful connections (handshake accepted).</summary>
    public long Connects { get; init; }

    /// <summary>Failed connection or handshake attempts.</summary>
    public long ConnectFailures { get; init; }

    /// <summary>Whether a connection is up now.</summary>
    public bool IsConnected { get; init; }

    /// <summary>Bytes the spool's segment files take on disk now.</summary>
    public long SpoolBytes { get; init; }

    /// <summary>Frames written to the spool (over the memory cap, at shutdown, or every frame with <see cref="TapSpoolMode.Always"/>).</summary>
    public long FramesSpilled { get; init; }

    /// <summary>Frames read back from the spool and written to the sidecar.</summary>
    public long FramesReadFromSpool { get; init; }

    /// <summary>Executions found in the spool of a process that had stopped or crashed, delivered by this client.</summary>
    public long ExecutionsAdopted { get; init; }

    /// <summary>Spool segments with a torn or corrupt record, whose rest was skipped.</summary>
    public long SpoolCorruptSegments { get; init; }

    /// <summary>Loss reports (executions dropped whole) the sidecar confirmed as recorded.</summary>
    public long LossReportsAcknowledged { get; init; }

    /// <summary>Every counter by name, for logs and test messages.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("TapClientCounters { ");
        var first = true;
        foreach (var property in typeof(TapClientCounters).GetProperties())
        {
            text.Append(first ? "" : ", ").Append(property.Name).Append(" = ")
                .Append(Convert.ToString(property.GetValue(this), CultureInfo.InvariantCulture));
            first = false;
        }

        return text.Append(" }").ToString();
    }
}
