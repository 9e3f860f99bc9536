using System.Text;
using Tap.Tests.Streams.AwsEventStream;

namespace Tap.Tests.Streams.Bedrock;

/// <summary>
/// Bedrock responses built byte-exact with <see cref="EventStreamEncoder"/>, after the event shapes of
/// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html and Anthropic's Messages
/// events for InvokeModelWithResponseStream. Bedrock pads payloads with a random <c>p</c> member; some of these do too.
/// </summary>
internal static class BedrockTranscripts
{
    public const string Usage = """{"inputTokens":25,"outputTokens":18,"totalTokens":43}""";

    public static byte[] ConverseText(string stopReason = "end_turn") => Concat(
        EventStreamEncoder.Event("messageStart", """{"p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW","role":"assistant"}"""),
        EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Bonjour ! Voilà un café ☕"},"p":"abcdefghij"}"""),
        EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":" et un salut 👋."},"p":"abcd"}"""),
        EventStreamEncoder.Event("contentBlockStop", """{"contentBlockIndex":0,"p":"abcdefghijklmnopq"}"""),
        EventStreamEncoder.Event("messageStop", $$"""{"p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ","stopReason":"{{stopReason}}"}"""),
        EventStreamEncoder.Event("metadata", """{"metrics":{"latencyMs":412},"p":"abcdefghijklmnopqrstuvwxyzABCDEF","usage":""" + Usage + "}"));

    public static byte[] ConverseToolUse() => Concat(
        EventStreamEncoder.Event("messageStart", """{"role":"assistant"}"""),
        EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"The user wants the weather."}}}"""),
        EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"EqoBCkgIARABGAIiQL"}}}"""),
        EventStreamEncoder.Event("contentBlockStop", """{"contentBlockIndex":0}"""),
        EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"text":"Let me check."}}"""),
        EventStreamEncoder.Event("contentBlockStop", """{"contentBlockIndex":1}"""),
        EventStreamEncoder.Event("contentBlockStart", """{"contentBlockIndex":2,"start":{"toolUse":{"name":"get_weather","toolUseId":"tooluse_kZJMlvQmRJ6eAyJE5GIl7Q"}}}"""),
        EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":2,"delta":{"toolUse":{"input":"{\"city\": \"Par"}}}"""),
        EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":2,"delta":{"toolUse":{"input":"is\", \"unit\": \"celsius\"}"}}}"""),
        EventStreamEncoder.Event("contentBlockStop", """{"contentBlockIndex":2}"""),
        EventStreamEncoder.Event("messageStop", """{"stopReason":"tool_use"}"""),
        EventStreamEncoder.Event("metadata", """{"metrics":{"latencyMs":1030},"usage":{"cacheReadInputTokens":1800,"cacheWriteInputTokens":248,"inputTokens":12,"outputTokens":87,"totalTokens":2147}}"""));

    /// <summary>A stream the provider ends with an exception after some text.</summary>
    public static byte[] ConverseException(string exceptionType, string json) => Concat(
        EventStreamEncoder.Event("messageStart", """{"role":"assistant"}"""),
        EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Once upon"}}"""),
        EventStreamEncoder.Exception(exceptionType, json));

    public const string ConverseBody = """
        {"metrics":{"latencyMs":388},"output":{"message":{"content":[{"text":"Hello! How can I help?"},{"toolUse":{"input":{"city":"Paris"},"name":"get_weather","toolUseId":"tooluse_1"}}],"role":"assistant"}},"stopReason":"tool_use","usage":{"inputTokens":30,"outputTokens":20,"totalTokens":50}}
        """;

    /// <summary>InvokeModelWithResponseStream for Claude: each chunk's bytes are one Anthropic event, base64.</summary>
    public static byte[] InvokeAnthropic(string stopReason = "end_turn") => Concat(
        Chunk("""{"type":"message_start","message":{"id":"msg_bdrk_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}"""),
        Chunk("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
        Chunk("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Bonjour ! "}}"""),
        Chunk("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"À bientôt."}}"""),
        Chunk("""{"type":"content_block_stop","index":0}"""),
        Chunk("""{"type":"message_delta","delta":{"stop_reason":"STOP","stop_sequence":null},"usage":{"output_tokens":18}}""".Replace("STOP", stopReason, StringComparison.Ordinal)),
        Chunk("""{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":25,"outputTokenCount":18,"invocationLatency":811,"firstByteLatency":302}}"""));

    public static byte[] Chunk(string anthropicEvent) =>
        EventStreamEncoder.Event("chunk", $$"""{"bytes":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(anthropicEvent))}}","p":"abcdefgh"}""");

    public static byte[] Concat(params byte[][] messages) => [.. messages.SelectMany(m => m)];

    /// <summary>The offset where the first message whose payload contains <paramref name="text"/> begins.</summary>
    public static int StartOf(byte[] transcript, string text)
    {
        var at = DecisionTableIndex(transcript, text);
        var position = 0;
        while (true)
        {
            var total = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(transcript.AsSpan(position));
            if (position + total > at)
            {
                return position;
            }

            position += total;
        }
    }

    private static int DecisionTableIndex(byte[] transcript, string text) => transcript.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text));
}
