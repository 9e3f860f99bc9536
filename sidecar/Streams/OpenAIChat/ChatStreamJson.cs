using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.OpenAIChat;

/// <summary>Applies one streamed <c>chat.completion.chunk</c> to a <see cref="ChatCompletion"/>.</summary>
internal static class ChatStreamJson
{
    /// <summary>Applies one chunk; true when it carried content, reasoning, refusal or tool-call deltas.</summary>
    public static bool Apply(ChatCompletion completion, JsonElement chunk)
    {
        ChatBodyJson.ApplyHeader(completion, chunk);
        var carriedToken = false;
        var everyChoiceFinished = true;
        foreach (var element in Array(chunk, "choices"))
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var choice = completion.Choice(Int32(element, "index") ?? 0);
            if (TryGetObject(element, "delta", out var delta))
            {
                carriedToken |= ChatMessageJson.Apply(choice, delta, completion.Budget);
            }

            var finishReason = String(element, "finish_reason");
            choice.FinishReason = finishReason ?? choice.FinishReason;
            everyChoiceFinished &= finishReason is not null;
        }

        // OpenAI sends usage once, in a last chunk without choices (stream_options.include_usage); some compatible
        // providers put it on the chunk that finishes every choice. Counts sent alongside unfinished choices (vLLM's
        // continuous usage stats) are running totals, never final.
        if (everyChoiceFinished && ChatUsage.Read(chunk) is { } usage)
        {
            completion.Usage = usage;
        }

        return carriedToken;
    }
}
