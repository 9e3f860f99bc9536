using System.Diagnostics;
using System.Net.Http.Headers;

namespace Tap.Shim.Capture;

/// <summary>
/// The W3C trace context of an upstream request (https://www.w3.org/TR/trace-context/), forwarded in Start so that the
/// sidecar's span joins the gateway's trace: the outgoing request's own <c>traceparent</c> header when the app set one,
/// else the current activity (the gateway's server span, or its caller's span inside an HttpClient).
/// </summary>
internal static class TraceContext
{
    public static (string? TraceParent, string? TraceState) Of(HttpHeaders? headers)
    {
        if (headers is not null && headers.TryGetValues("traceparent", out var parents) && parents.FirstOrDefault() is { Length: > 0 } parent)
        {
            return (parent, headers.TryGetValues("tracestate", out var states) ? string.Join(",", states) : null);
        }

        return Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } current ? (id, current.TraceStateString) : (null, null);
    }

    /// <summary>Null for a missing value or one over <paramref name="max"/> characters: a cut trace context would name another trace.</summary>
    public static string? Bounded(string? value, int max) => value is { Length: > 0 } && value.Length <= max ? value : null;
}
