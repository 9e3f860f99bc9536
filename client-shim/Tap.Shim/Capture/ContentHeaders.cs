namespace Tap.Shim.Capture;

/// <summary>
/// The upstream content's headers, read without validation: the validating enumerator parses every header into typed
/// values on each response (allocations and CPU on the proxy's thread, issue 16) only for us to copy strings back.
/// The raw values are what came off the wire, and what the proxy forwards.
/// </summary>
internal static class ContentHeaders
{
    public static void Copy(HttpContent from, HttpContent to)
    {
        foreach (var (name, values) in from.Headers.NonValidated)
        {
            if (values.Count == 1)
            {
                to.Headers.TryAddWithoutValidation(name, values.ToString());
            }
            else
            {
                to.Headers.TryAddWithoutValidation(name, values);
            }
        }
    }

    /// <summary>The Content-Type as the upstream sent it; null when it sent none.</summary>
    public static string? ContentType(HttpContent content) =>
        content.Headers.NonValidated.TryGetValues("Content-Type", out var values) && values.Count > 0 ? values.ToString() : null;
}
