namespace Tap.Sidecar.Streams;

internal static class ContentTypes
{
    /// <summary>Whether the media type, ignoring parameters such as charset, is <c>text/event-stream</c>.</summary>
    public static bool IsEventStream(string? contentType) => Is(contentType, "text/event-stream");

    /// <summary>Whether the media type is the AWS event-stream framing, <c>application/vnd.amazon.eventstream</c>.</summary>
    public static bool IsAmazonEventStream(string? contentType) => Is(contentType, "application/vnd.amazon.eventstream");

    private static bool Is(string? contentType, string expected)
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

        return mediaType.Trim().Equals(expected, StringComparison.OrdinalIgnoreCase);
    }
}
