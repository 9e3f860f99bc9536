using System.Buffers;
using Microsoft.AspNetCore.Http;
using Tap.Shim.Capture;

namespace Tap.Shim.AspNetCore;

/// <summary>Describes a request an ASP.NET Core gateway received, for the middleware and for YARP.</summary>
internal static class IncomingRequests
{
    private const int MaxInspectedBody = 1024 * 1024;

    public static async ValueTask<TapExecutionInfo> DescribeAsync(HttpContext context, TapClientOptions options, string route)
    {
        var request = context.Request;
        var requestId = request.Headers.TryGetValue(options.RequestIdHeader, out var header) && header.Count > 0 ? header[0] : context.TraceIdentifier;
        var body = ReadOnlyMemory<byte>.Empty;
        if (request.ContentLength is > 0 and <= MaxInspectedBody && request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            // Read once, here; the app (or YARP) then reads the same bytes from memory. EnableBuffering would copy them
            // a second time and write any body over 30 KB (a long conversation) to a temporary file, per request.
            var length = (int)request.ContentLength.Value;
            var pooled = new PooledBody(ArrayPool<byte>.Shared.Rent(length));
            context.Response.RegisterForDispose(pooled);
            var read = await request.Body.ReadAtLeastAsync(pooled.Buffer.AsMemory(0, length), length, throwOnEndOfStream: false, context.RequestAborted).ConfigureAwait(false);
            request.Body = pooled.Stream = new MemoryStream(pooled.Buffer, 0, read, writable: false);
            body = pooled.Buffer.AsMemory(0, read);
        }

        var path = request.Path.Value + request.QueryString.Value;
        var (model, stream) = RequestInspector.Inspect(body.Span, path);

        // The server span of this request (parented on the client's traceparent by ASP.NET Core).
        var (traceParent, traceState) = TraceContext.Of(null);
        return new TapExecutionInfo
        {
            TraceParent = traceParent,
            TraceState = traceState,
            RequestId = requestId,
            Route = route,
            RequestedModel = model,
            Stream = stream ?? false,
            RequestPath = path,
            RequestBody = body,
        };
    }

    /// <summary>
    /// The body's pooled array, returned once the request is over; its stream is closed first, so that a read after the
    /// request fails as it would on the server's own body instead of reading an array the pool has handed on.
    /// </summary>
    private sealed class PooledBody(byte[] buffer) : IDisposable
    {
        public byte[] Buffer { get; } = buffer;

        public MemoryStream? Stream { get; set; }

        public void Dispose()
        {
            Stream?.Dispose();
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}
