namespace Tap.Sidecar.Streams.Json;

/// <summary>
/// JSON that parsed but holds a value no reader can take. It is thrown from deep inside a format's reading, where the
/// partial event must be abandoned as a parse error would abandon it, and caught in one place,
/// <see cref="ResponseAggregator"/>, which records it as the stream's <c>malformed_json</c> fault.
/// </summary>
internal sealed class MalformedJsonException(string message) : Exception(message)
{
    /// <summary>System.Text.Json refuses to read an escaped lone surrogate (<c>"\ud800"</c>) as a string.</summary>
    public const string NotText = "A JSON string is not valid UTF-16 text.";
}
