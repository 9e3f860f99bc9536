using System.Text;
using Tap.Sidecar.Streams.Json;
using Tap.Sidecar.Streams.Sse;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.AwsEventStream;

/// <summary>
/// An exception or error message in an AWS event stream (<c>:message-type</c> <c>exception</c> or <c>error</c>): the
/// stream ends with it, as the AWS SDKs end it by throwing. Bedrock's exceptions carry <c>{"message": ...}</c>;
/// <c>modelStreamErrorException</c> adds the model's <c>originalStatusCode</c> and <c>originalMessage</c>
/// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html).
/// </summary>
internal static class AwsStreamError
{
    /// <summary>True when <paramref name="sseEvent"/> is an exception or an error; its name and the provider's message.</summary>
    public static bool TryRead(SseEvent sseEvent, out string name, out string message)
    {
        if (sseEvent.EventType.StartsWith(AwsEventFramer.ErrorPrefix, StringComparison.Ordinal))
        {
            name = sseEvent.EventType[AwsEventFramer.ErrorPrefix.Length..];
            message = $"{name}: {Encoding.UTF8.GetString(sseEvent.Utf8Data.Span)}";
            return true;
        }

        if (!sseEvent.EventType.StartsWith(AwsEventFramer.ExceptionPrefix, StringComparison.Ordinal))
        {
            name = message = "";
            return false;
        }

        name = sseEvent.EventType[AwsEventFramer.ExceptionPrefix.Length..];
        message = $"{name}: {Describe(sseEvent.Utf8Data)}";
        return true;
    }

    private static string Describe(ReadOnlyMemory<byte> payload)
    {
        using var document = ProviderJson.TryParseObject(payload, ProviderJson.EventData, default, out _);
        if (document is null)
        {
            return "the provider sent an exception without a readable message.";
        }

        try
        {
            var root = document.RootElement;
            var text = String(root, "message") ?? String(root, "Message") ?? "no message";
            return Int64(root, "originalStatusCode") is { } status
                ? $"{text} (the model answered {status}: {String(root, "originalMessage")})"
                : text;
        }
        catch (MalformedJsonException)
        {
            return "the provider sent an exception whose message is not valid text.";
        }
    }
}
