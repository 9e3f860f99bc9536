using System.Net;

namespace Tap.Shim.Capture;

/// <summary>
/// The upstream response content with its body read through a <see cref="TapResponseStream"/>; same headers, same bytes.
/// <c>clientAborted</c>: the client's request-aborted token, where the attach point has one (YARP), for the drain.
/// </summary>
internal sealed class TapResponseContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly ResponseTap _tap;
    private readonly DrainGate? _drain;
    private readonly CancellationToken? _clientAborted;

    public TapResponseContent(HttpContent inner, ResponseTap tap, DrainGate? drain = null, CancellationToken? clientAborted = null)
    {
        _inner = inner;
        _tap = tap;
        _drain = drain;
        _clientAborted = clientAborted;
        ContentHeaders.Copy(inner, this);
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new TapResponseStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _tap, _drain, _clientAborted);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) =>
        new TapResponseStream(_inner.ReadAsStream(cancellationToken), _tap, _drain, _clientAborted);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var body = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await body.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _inner.Headers.ContentLength ?? 0;
        return _inner.Headers.ContentLength is not null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // A draining body owns the upstream now; disposing the content would cut it.
            if (!_tap.IsDraining)
            {
                _inner.Dispose();
            }

            _tap.Disposed();
        }

        base.Dispose(disposing);
    }
}
