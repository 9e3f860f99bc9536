namespace Tap.Sidecar.Ingest;

/// <summary>
/// What an endpoint may be: a pipe name (no path separator), or on Linux and macOS a rooted socket path. A relative
/// path would be resolved against whatever folder tap runs in (and a pipe name containing '/' is a path under the
/// temp folder), so two commands run from different folders would not meet.
/// </summary>
internal static class EndpointName
{
    /// <summary>Why <paramref name="endpoint"/> cannot be an endpoint, or null when it can.</summary>
    public static string? Problem(string? endpoint)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return "must not be empty";
        }

        if (OperatingSystem.IsWindows())
        {
            return endpoint.IndexOfAny(['\\', '/']) >= 0 ? $"'{endpoint}' is not a pipe name (no '\\' or '/')" : null;
        }

        return endpoint.Contains('/', StringComparison.Ordinal) && !Path.IsPathRooted(endpoint)
            ? $"'{endpoint}' is a relative path: give a pipe name (no '/') or a rooted socket path such as /run/tap/tap.sock"
            : null;
    }
}
