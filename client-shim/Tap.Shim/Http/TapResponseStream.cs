namespace Tap.Shim.Http;

/// <summary>
/// The upstream response body as the proxy reads it: every read is reported as a chunk, the end of the stream
/// as upstream-end, a failure as what it was. The proxy gets exactly the bytes and exceptions it would have got.
/// </summary>
internal sealed class TapResponseStream(Stream inner, ResponseTap tap) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            tap.ReadFailed(ex, cancellationToken.IsCancellationRequested);
            throw;
        }

        Report(buffer.Span[..read], buffer.Length);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            tap.ReadFailed(ex, callerCanceled: false);
            throw;
        }

        Report(buffer[..read], buffer.Length);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            tap.Disposed();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        tap.Disposed();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    // A zero-byte read into an empty buffer only waits for data (YARP's copier does this); it is not the end.
    private void Report(ReadOnlySpan<byte> data, int requested)
    {
        if (data.IsEmpty && requested > 0)
        {
            tap.EndOfStream();
        }
        else if (!data.IsEmpty)
        {
            tap.Data(data);
        }
    }

    private static bool IsReadFailure(Exception ex) =>
        ex is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException;
}
