namespace Tap.Sidecar.Store.Files;

/// <summary>
/// A database file as LiteDB writes it, telling what reached the disk. LiteDB 5.0.20's Commit only queues the
/// transaction's pages for a background writer and returns (DiskWriterQueue), which fsyncs the log only when its
/// queue runs empty, and by Stream.Flush() (no fsync) when the stream is not its own FileStream. So here Flush is
/// an fsync, and <see cref="WaitDurable"/> lets a committer wait until its pages are written and synced, or learn
/// that writing them failed (a full disk), in which case LiteDB's engine has closed itself.
/// </summary>
internal sealed class SyncedFileStream(FileStream file) : Stream
{
    private readonly object _gate = new();
    // What the file held when it was opened (a log a killed sidecar left) is on disk as far as this process can make
    // it: counting it as durable lets a write that changes nothing (a purge that deletes nothing) return at once instead
    // of waiting for a sync of bytes that will never be written again.
    private long _writtenEnd = file.Length;
    private long _durableEnd = file.Length;
    private long _generation;
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

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => file.Length;

    public override long Position { get => file.Position; set => file.Position = value; }

    /// <summary>
    /// Blocks until every byte before <paramref name="end"/> is synced, or the file was cut since
    /// <paramref name="generation"/> (what it held is then in the synced data file).
    /// </summary>
    /// <exception cref="IOException">Writing or syncing failed; the bytes may never reach the file.</exception>
    public void WaitDurable(long generation, long end)
    {
        lock (_gate)
        {
            while (_failure is null && _generation == generation && _durableEnd < end)
            {
                Monitor.Wait(_gate);
            }

            if (_failure is not null && (_generation == generation && _durableEnd < end))
            {
                throw new IOException("The database log could not be written: " + _failure.Message, _failure);
            }
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
        }
    }

    public override void Flush()
    {
        long end;
        lock (_gate)
        {
            end = _writtenEnd;
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
            _durableEnd = Math.Max(_durableEnd, end);
            Monitor.PulseAll(_gate);
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

    private void Fail(Exception exception)
    {
        lock (_gate)
        {
            _failure ??= exception;
            Monitor.PulseAll(_gate);
        }
    }
}
