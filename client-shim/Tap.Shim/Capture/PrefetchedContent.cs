using System.Net;

namespace Tap.Shim.Capture;

/// <summary>
/// An upstream error response whose body the handler read first, so the provider's message is recorded even
/// when the proxy never reads it. The proxy reads the same bytes with the same headers: the prefix from memory,
/// then (for a body over the cap) the rest of the upstream stream, still tapped.
/// </summary>
internal sealed class PrefetchedContent : HttpContent
{
    public const int MaxPrefetchBytes = 64 * 1024;

    private readonly HttpContent _original;
    private readonly byte[] _prefix;
    private readonly Stream? _rest;
    private readonly ResponseTap _tap;

    private PrefetchedContent(HttpContent original, byte[] prefix, Stream? rest, ResponseTap tap)
    {
        _original = original;
        _prefix = prefix;
        _rest = rest;
        _tap = tap;
        ContentHeaders.Copy(original, this);
    }

    /// <summary>Reads up to <see cref="MaxPrefetchBytes"/> of the body; failures surface to the proxy when it reads, as they would have.</summary>
    public static async Task<HttpContent> ReadAsync(HttpContent original, ResponseTap tap, CancellationToken cancellationToken)
    {
        var stream = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxPrefetchBytes];
        var length = 0;
        try
        {
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            tap.Data(buffer.AsSpan(0, length));
            tap.ReadFailed(ex, callerCanceled: false);
            tap.End();
            throw;
        }

        var prefix = buffer[..length];
        tap.Data(prefix);
        if (length < buffer.Length)
        {
            tap.EndOfStream();
            tap.End();
            await stream.DisposeAsync().ConfigureAwait(false);
            return new PrefetchedContent(original, prefix, rest: null, tap);
        }

        return new PrefetchedContent(original, prefix, new TapResponseStream(stream, tap), tap);
    }

    protected override Task<Stream> CreateContentReadStreamAsync() =>
        Task.FromResult<Stream>(_rest is null ? new MemoryStream(_prefix, writable: false) : new PrefixedStream(_prefix, _rest));

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(_prefix).ConfigureAwait(false);
        if (_rest is not null)
        {
            await _rest.CopyToAsync(stream).ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _original.Headers.ContentLength ?? 0;
        return _original.Headers.ContentLength is not null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rest?.Dispose();
            _original.Dispose();
            _tap.Disposed();
        }

        base.Dispose(disposing);
    }

    /// <summary>The prefetched bytes, then the rest of the upstream body.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : ReadOnlyStream
    {
        private int _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < prefix.Length)
            {
                var count = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsMemory(_position, count).CopyTo(buffer);
                _position += count;
                return count;
            }

            return await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
