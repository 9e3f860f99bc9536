using Tap.Protocol;
using Tap.Shim.Diagnostics;

namespace Tap.Shim.Delivery;

/// <summary>The loop's holding side: the ledger within the memory cap, the spool, drops and their loss reports.</summary>
internal sealed partial class DeliveryLoop
{
    private void OpenSpool()
    {
        if (_options.Spool.Mode == TapSpoolMode.Off)
        {
            return;
        }

        _spool = DiskSpool.Open(_options.Spool.ResolvePath(_spoolName), _spoolOwner, _options.Spool.MaxBytes, _counters);
        if (_spool is null)
        {
            return;
        }

        _ledger.Spool = _spool;
        try
        {
            SpoolAdoption.Adopt(_spool, _ledger, _losses, _counters);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ShimEventSource.Log.SpoolWriteFailed(ex.Message);
        }
    }

    private void DropLost()
    {
        while (_lost.TryDequeue(out var execution))
        {
            if (_ledger.Find(execution.Id) is { } entry)
            {
                Drop(entry, LossReasons.MemoryCap);
            }
            else if (execution.TryClaimLossReport())
            {
                _losses.Add(LossReasons.MemoryCap, execution.Id);
            }
        }
    }

    /// <summary>Takes the frames every announced execution staged since the last time, in one batch per execution.</summary>
    private void Stage()
    {
        while (_buffer.Reader.TryRead(out var writer))
        {
            var frames = writer.Take(_taking, _retired);
            var entry = _ledger.Stage(writer, frames, _retired, out var firstNew);
            _retired.Clear();
            frames.Clear();
            _taking = frames;
            if (entry is null)
            {
                continue;
            }

            // Write-ahead: the frames are in the spool before they can be sent.
            for (var i = firstNew; WriteAhead && i < entry.Frames.Count; i++)
            {
                if (!SpoolFrame(entry, i))
                {
                    Drop(entry, LossReasons.SpoolFull);
                    break;
                }
            }

            if (_session is not null && !entry.Removed)
            {
                Enqueue(entry);
            }
        }
    }

    /// <summary>Over the memory cap the oldest executions move to the spool; without one (or when it is full) they go whole.</summary>
    private void KeepWithinMemoryCap()
    {
        while (_buffer.Bytes > _options.MaxBufferedBytes && _ledger.OldestInMemory is { } oldest)
        {
            if (_spool is not null && (Spill(oldest) || oldest.Removed))
            {
                continue;
            }

            if (oldest.IsReport)
            {
                _ledger.Pin(oldest);
            }
            else if (HasInFull(oldest))
            {
                // The sidecar already has all of it on this connection: only its replay is given up.
                _ledger.Remove(oldest);
            }
            else
            {
                Drop(oldest, _spool is null ? LossReasons.MemoryCap : LossReasons.SpoolFull);
            }
        }
    }

    /// <summary>Writes the entry's frames held in memory only to the spool, then frees the memory; false when the spool cannot take them.</summary>
    private bool Spill(LedgerEntry entry)
    {
        var spool = _spool!;
        spool.BeginEntry();
        var start = spool.Position;
        for (var i = 0; i < entry.Frames.Count; i++)
        {
            if (entry.Frames[i].Segment is null && !SpoolFrame(entry, i))
            {
                if (!entry.IsReport)
                {
                    Drop(entry, LossReasons.SpoolFull);
                    spool.CutBack(start);
                }

                return false;
            }
        }

        _ledger.ReleaseMemory(entry);
        return true;
    }

    /// <summary>One frame to the spool, making room by dropping the oldest spooled executions when it is at its cap.</summary>
    private bool SpoolFrame(LedgerEntry entry, int index)
    {
        var spool = _spool!;
        if (index == 0)
        {
            spool.BeginEntry();
        }

        var result = spool.Append(entry, index);
        if (result == SpoolWrite.Full)
        {
            var need = SpoolRecord.HeaderBytes + entry.Frames[index].Length;
            while (spool.Bytes + need > spool.MaxBytes && OldestSpooled(entry) is { } victim)
            {
                Drop(victim, LossReasons.SpoolFull);
            }

            result = spool.Append(entry, index);
        }

        if (result != SpoolWrite.Appended)
        {
            return false;
        }

        Settle(entry, index + 1);
        return true;
    }

    private LedgerEntry? OldestSpooled(LedgerEntry except)
    {
        foreach (var entry in _ledger.InOrder)
        {
            if (entry != except && !entry.IsReport && entry.DiskFrames > 0)
            {
                return entry;
            }
        }

        return null;
    }

    private bool HasInFull(LedgerEntry entry) => _session is not null && entry.EndSentEpoch == _epoch;

    /// <summary>
    /// Drops an execution whole and names it in the next loss report, unless the sidecar already has all of it. When the
    /// sidecar has part of it on this connection, an End marked dropped closes it there.
    /// </summary>
    private void Drop(LedgerEntry entry, string reason)
    {
        if (entry.IsReport || entry.Removed)
        {
            return;
        }

        var inFull = HasInFull(entry);
        var partlySent = _session is not null && entry.SentEpoch == _epoch && entry.Sent > 0;
        _ledger.Remove(entry);
        if (inFull)
        {
            return;
        }

        if (entry.Owner is { } owner)
        {
            if (owner.Abandon() is { } end)
            {
                if (partlySent)
                {
                    _closings.Enqueue(end);
                }
                else
                {
                    end.Return();
                }
            }

            if (!owner.TryClaimLossReport())
            {
                return;
            }
        }
        else
        {
            Interlocked.Increment(ref _counters.ExecutionsDropped);
        }

        _losses.Add(reason, entry.Id);
    }

    /// <summary>Drops are reported as soon as a connection is up; each report stays in the ledger until acknowledged.</summary>
    private void ReportLosses()
    {
        if (_losses.Pending && _session is { } session)
        {
            if (_lossReportsRefused)
            {
                _losses.Take(session.MaxFrameBytes, 0);
                return;
            }

            AddReports(session.MaxFrameBytes);
        }
    }

    private void AddReports(int maxFrameBytes)
    {
        foreach (var message in _losses.Take(maxFrameBytes, Timestamps.ToWire(_time.GetUtcNow())))
        {
            ShimEventSource.Log.ExecutionsLost(message.ExecutionIds.Length + message.Uncounted, message.Reason!);
            // Not counted against the memory cap: a report must never push out the executions it is about.
            var pooled = ProtocolSerializer.ToPooledFrame(message, out var length);
            var entry = new LedgerEntry(ExecutionIds.FromBytes(message.ExecutionId), owner: null, isReport: true);
            entry.Frames.Add(new LedgerFrame { Buffer = pooled, Length = length, IsEnd = true });
            _ledger.Add(entry);
            if (_spool is null)
            {
                _ledger.Pin(entry);
            }

            if (_session is not null)
            {
                Enqueue(entry);
            }
        }
    }

    /// <summary>
    /// A sidecar from before Loss messages closes the connection on one (an unknown execution or message type): it
    /// would do so on every replay. For this client's life only the handshake's count reaches it.
    /// </summary>
    private void RefuseReportsIfTheSidecarCannotTakeThem(string? errorCode)
    {
        if (errorCode is not (ProtocolErrorCodes.UnknownExecution or ProtocolErrorCodes.UnknownMessageType)
            || !_ledger.InOrder.Any(e => e.IsReport && e.SentEpoch == _epoch && e.Sent > 0))
        {
            return;
        }

        _lossReportsRefused = true;
        foreach (var report in _ledger.InOrder.Where(e => e.IsReport).ToList())
        {
            _ledger.Remove(report);
        }
    }

    /// <summary>
    /// At shutdown, whatever is not acknowledged (with the loss reports not yet acknowledged or sent) goes to the spool
    /// for the next process on the folder; without a spool it is released.
    /// </summary>
    private void LeaveInSpool()
    {
        Stage();
        if (_spool is { } spool)
        {
            foreach (var entry in _ledger.InOrder.Where(e => !e.IsReport && e.MemoryNode is not null).ToList())
            {
                Spill(entry);
            }

            if (!_lossReportsRefused)
            {
                AddReports(_options.MaxFrameBytes);
            }

            foreach (var report in _ledger.InOrder.Where(e => e.IsReport && e.Frames.Count > 0 && e.Frames[0].Segment is null).ToList())
            {
                SpoolFrame(report, 0);
            }

            _ledger.Spool = null;
            spool.Dispose();
            _spool = null;
        }

        _ledger.Clear();
    }
}
