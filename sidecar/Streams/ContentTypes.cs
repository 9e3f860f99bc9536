namespace Tap.Sidecar.Streams;

internal static class ContentTypes
{
    /// <summary>Whether the media type, ignoring parameters such as charset, is <c>text/event-stream</c>.</summary>
    public static bool IsEventStream(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0)
        {
            mediaType = mediaType[..semicolon];
        }

        return mediaType.Trim().Equals("text/event-stream", StringComparison.OrdinalIgnoreCase);
    }
}
