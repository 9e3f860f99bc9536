using Microsoft.AspNetCore.Http;
using Tap.Shim.Capture;

namespace Tap.Shim.AspNetCore;

/// <summary>Describes a request an ASP.NET Core gateway received, for the middleware and for YARP.</summary>
internal static class IncomingRequests
{
    private const int MaxInspectedBody = 1024 * 1024;

    public static async Task<TapExecutionInfo> DescribeAsync(HttpContext context, TapClientOptions options, string route)
    {
        var request = context.Request;
        var requestId = request.Headers.TryGetValue(options.RequestIdHeader, out var header) && header.Count > 0 ? header[0] : context.TraceIdentifier;
        var body = ReadOnlyMemory<byte>.Empty;
        if (request.ContentLength is > 0 and <= MaxInspectedBody && request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            // Buffered, so the app (or YARP) still reads the whole body after us.
            request.EnableBuffering();
            var buffer = new byte[request.ContentLength.Value];
            var read = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, context.RequestAborted).ConfigureAwait(false);
            request.Body.Position = 0;
            body = buffer.AsMemory(0, read);
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
}
