using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.OpenAIChat;

/// <summary>Applies a whole non-streamed <c>chat.completion</c> to a <see cref="ChatCompletion"/>.</summary>
internal static class ChatBodyJson
{
    public static bool IsCompletion(JsonElement root) => Has(root, "choices", JsonValueKind.Array);

    /// <summary>Applies the completion; true when it carried any content or tool call.</summary>
    public static bool Apply(ChatCompletion completion, JsonElement body)
    {
        ApplyHeader(completion, body);
        var carriedToken = false;
        var position = 0;
        foreach (var element in Array(body, "choices"))
        {
            var index = Int32(element, "index") ?? position;
            position++;
            if (element.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var choice = completion.Choice(index);
            if (TryGetObject(element, "message", out var message))
            {
                carriedToken |= ChatMessageJson.Apply(choice, message, completion.Budget);
            }

            choice.FinishReason = String(element, "finish_reason");
        }

        completion.Usage = ChatUsage.Read(body) ?? completion.Usage;
        return carriedToken;
    }

    /// <summary>The members every chunk repeats and the body carries once.</summary>
    public static void ApplyHeader(ChatCompletion completion, JsonElement root)
    {
        completion.Id = String(root, "id") ?? completion.Id;
        completion.Model = String(root, "model") ?? completion.Model;
        completion.SystemFingerprint = String(root, "system_fingerprint") ?? completion.SystemFingerprint;
    }
}
