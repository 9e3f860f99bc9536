using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.OpenAIResponses;

/// <summary>
/// Applies a whole <c>response</c> object to a <see cref="ResponsesOutput"/>: a non-streamed body, or the snapshot a
/// terminal event carries.
/// </summary>
internal static class ResponsesBodyJson
{
    /// <summary>Whether a body is a <c>response</c> object rather than some other JSON.</summary>
    public static bool IsResponse(JsonElement root) =>
        String(root, "object") == "response" || Has(root, "output", JsonValueKind.Array);

    /// <summary>
    /// Applies the snapshot that ends the response (or a non-streamed body): its status, or <paramref name="impliedStatus"/>
    /// when it has none, how it ended, its usage, and its output items where the stream left them empty.
    /// </summary>
    public static bool Apply(ResponsesOutput output, JsonElement response, string? impliedStatus, bool itemsDone)
    {
        output.FinalStatus = String(response, "status") ?? impliedStatus;
        output.Status = output.FinalStatus ?? output.Status;
        if (response.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        ApplyHeader(output, response);
        output.IncompleteReason = String(Object(response, "incomplete_details"), "reason");
        if (TryGetObject(response, "error", out var error))
        {
            output.ErrorCode = String(error, "code");
            output.ErrorMessage = String(error, "message");
        }

        output.Usage = ResponsesUsage.Read(response);
        var carried = false;
        var index = 0;
        foreach (var item in Array(response, "output"))
        {
            carried |= ResponsesItemJson.Apply(output, index++, item, itemsDone);
        }

        return carried;
    }

    /// <summary>The id and model every snapshot repeats.</summary>
    public static void ApplyHeader(ResponsesOutput output, JsonElement response)
    {
        output.Id = String(response, "id") ?? output.Id;
        output.Model = String(response, "model") ?? output.Model;
    }
}
