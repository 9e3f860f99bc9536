using Microsoft.AspNetCore.Http;
using Tap.Shim.Capture;

namespace Tap.Shim.Yarp;

/// <summary>
/// What the transform learns about a tapped request before YARP sends it, handed to the handler inside
/// YARP's HttpClient through the proxy request's options, and back to the completion callback.
/// </summary>
internal sealed class TapYarpContext(HttpContext httpContext, string routeId, TapExecutionInfo info)
{
    public static readonly HttpRequestOptionsKey<TapYarpContext> Key = new("Tap.Yarp");

    public HttpContext HttpContext { get; } = httpContext;

    public string RouteId { get; } = routeId;

    public TapExecutionInfo Info { get; } = info;

    /// <summary>One per upstream attempt; the last one is completed when the response is.</summary>
    public ResponseTap? Tap { get; set; }

    public int Attempts { get; set; }
}
