using Tap.Sidecar.Records;

namespace Tap.Tests.Support;

/// <summary>Execution records with every field set, as the sidecar would store them.</summary>
internal static class SampleRecords
{
    public static readonly DateTime BaseTime = new(2026, 11, 20, 14, 30, 15, 123, DateTimeKind.Utc);

    public static ExecutionRecord Full(DateTime? startedAt = null, string status = "completed", string? model = "gpt-4o-mini", Guid? id = null)
    {
        var started = startedAt ?? BaseTime;
        return new ExecutionRecord
        {
            Id = id ?? Guid.NewGuid(),
            RequestId = "req_" + Guid.NewGuid().ToString("N")[..10],
            Attempt = 2,
            Client = new ClientIdentity { Process = "worker", ProcessId = 4242, Host = "build-01", Gateway = "litellm" },
            Route = "/v1/chat/completions",
            Provider = "openai",
            Format = "openai-chat",
            RequestedModel = "gpt-4o-mini",
            ResponseModel = model,
            Model = model,
            Stream = true,
            UpstreamStatus = 200,
            ContentType = "text/event-stream",
            Status = status,
            Reason = status == "completed" ? "finish_reason_stop" : "client_aborted",
            Proof = "terminal_event",
            Rule = 3,
            Explanation = "The provider sent its terminal event and the client read it.",
            ErrorMessage = status == "completed" ? null : "The client closed the connection.",
            Signals =
            [
                new SignalEntry { Kind = "response", At = started.AddMilliseconds(120), AfterBytes = 0 },
                new SignalEntry { Kind = "end", At = started.AddMilliseconds(950), AfterBytes = 2048, ErrorKind = "none", Message = "done" },
            ],
            Notes = ["usage arrived in the last chunk", "  leading and trailing spaces  "],
            Usage = new UsageEntry { Input = 12, Output = 345, Total = 357, CachedInput = 4, CacheWrite = 1, Reasoning = 7, Source = "final" },
            FinishReason = "stop",
            StartedAt = started,
            FirstByteAt = started.AddMilliseconds(120),
            FirstTokenAt = started.AddMilliseconds(180),
            EndedAt = started.AddMilliseconds(950),
            LatencyMs = 950.5,
            TimeToFirstByteMs = 120,
            TimeToFirstTokenMs = 180.25,
            ChunkCount = 17,
            ByteCount = 2048,
            EventCount = 18,
            Response = "{\"answer\": \"Hello\"}\n",
            ResponseTruncated = false,
            RequestBody = "",
            RecordedAt = started.AddSeconds(1),
        };
    }
}
