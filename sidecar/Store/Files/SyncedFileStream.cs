namespace Tap.Sidecar.Store.Files;

/// <summary>
/// A database file as LiteDB writes it, telling what reached the disk. LiteDB 5.0.20's Commit only queues the
/// transaction's pages for a background writer and returns (DiskWriterQueue), which flushes the file every time its
/// queue runs empty, and by Stream.Flush() (no fsync) when the stream is not its own FileStream. <see cref="WaitDurable"/>
/// lets a committer wait until its pages are written and synced, or learn that writing them failed (a full disk), in
/// which case LiteDB's engine has closed itself. The data file syncs on every Flush (a checkpoint's, before the log is
/// cut). The log syncs in <see cref="WaitDurable"/>, once per commit: its writer's queue runs empty several times while
/// a transaction's pages are queued, and a sync at each of those cost the sidecar about a tenth of its CPU
/// (docs/benchmarks.md).
/// </summary>
/// <param name="syncOnFlush">Whether Flush syncs (the data file); if not, <see cref="WaitDurable"/> does (the log).</param>
internal sealed class SyncedFileStream(FileStream file, bool syncOnFlush) : Stream
{
    private readonly object _gate = new();

    // One sync at a time: the committers' and the writer's flushes would only repeat each other's.
    private readonly object _syncGate = new();
    // What the file held when it was opened (a log a killed sidecar left) is on disk as far as this process can make
    // it: counting it as durable lets a write that changes nothing (a purge that deletes nothing) return at once instead
    // of waiting for a sync of bytes that will never be written again.
    private long _writtenEnd = file.Length;
    private long _durableEnd = file.Length;
    private long _generation;

    // Counted, not located: a checkpoint writes the data file's pages in place, below any end already synced.
    private long _writes;
    private long _syncedWrites;
    private long _syncs;
    private Exception? _failure;

    /// <summary>The first write or sync that failed; LiteDB's engine over this file is unusable from then on.</summary>
    public Exception? Failure
    {
        get
        {
            lock (_gate)
            {
                return _failure;
            }
        }
    }

    /// <summary>Changes when the file is cut (a checkpoint emptied the log, after syncing the data file).</summary>
    public long Generation
    {
        get
        {
            lock (_gate)
            {
                return _generation;
            }
        }
    }

    /// <summary>fsyncs so far: what a commit costs the disk besides its writes.</summary>
    public long Syncs
    {
        get
        {
            lock (_gate)
            {
                return _syncs;
            }
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => file.Length;

    public override long Position { get => file.Position; set => file.Position = value; }

    /// <summary>
    /// Blocks until every byte before <paramref name="end"/> is written and synced, or the file was cut since
    /// <paramref name="generation"/> (what it held is then in the synced data file).
    /// </summary>
    /// <exception cref="IOException">Writing or syncing failed; the bytes may never reach the file.</exception>
    public void WaitDurable(long generation, long end)
    {
        lock (_gate)
        {
            while (_failure is null && _generation == generation && (syncOnFlush ? _durableEnd : _writtenEnd) < end)
            {
                Monitor.Wait(_gate);
            }

            ThrowIfFailedBefore(generation, end);
            if (_generation != generation || _durableEnd >= end)
            {
                return;
            }
        }

        Sync();
        lock (_gate)
        {
            ThrowIfFailedBefore(generation, end);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => file.Read(buffer, offset, count);

    public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);

    public override void Write(byte[] buffer, int offset, int count)
    {
        try
        {
            file.Write(buffer, offset, count);
        }
        catch (Exception exception)
        {
            Fail(exception);
            throw;
        }

        lock (_gate)
        {
            _writtenEnd = Math.Max(_writtenEnd, file.Position);
            _writes++;
            if (!syncOnFlush)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    public override void Flush()
    {
        if (syncOnFlush)
        {
            Sync();
        }
    }

    // Syncs what was written when it starts; a sync that fails fails the file.
    private void Sync()
    {
        lock (_syncGate)
        {
            long end, generation, writes;
            lock (_gate)
            {
                end = _writtenEnd;
                generation = _generation;
                writes = _writes;
                if (writes == _syncedWrites)
                {
                    return;
                }
            }

            try
            {
                file.Flush(flushToDisk: true);
            }
            catch (Exception exception)
            {
                Fail(exception);
                throw;
            }

            lock (_gate)
            {
                _syncedWrites = Math.Max(_syncedWrites, writes);
                _syncs++;
                if (_generation == generation)
                {
                    _durableEnd = Math.Max(_durableEnd, end);
                }

                Monitor.PulseAll(_gate);
            }
        }
    }

    public override void SetLength(long value)
    {
        try
        {
            file.SetLength(value);
        }
        catch (Exception exception)
        {
            Fail(exception);
            throw;
        }

        lock (_gate)
        {
            _writes++;
            if (value < _writtenEnd)
            {
                _writtenEnd = _durableEnd = value;
                _generation++;
                Monitor.PulseAll(_gate);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }

        base.Dispose(disposing);
    }

    private void ThrowIfFailedBefore(long generation, long end)
    {
        if (_failure is not null && _generation == generation && _durableEnd < end)
        {
            throw new IOException("The database log could not be written: " + _failure.Message, _failure);
        }
    }

    private void Fail(Exception exception)
    {
        lock (_gate)
        {
            _failure ??= exception;
            Monitor.PulseAll(_gate);
        }
    }
}
