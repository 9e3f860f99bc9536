using Tap.Sidecar.Outcome;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Telemetry;

/// <summary>
/// The one mapping from a record to its span's attributes (docs/telemetry.md lists them). It follows the OpenTelemetry
/// GenAI semantic conventions of <see cref="GenAiNames.Version"/>, span <c>gen_ai.client.inference</c>
/// (https://github.com/open-telemetry/semantic-conventions-genai/blob/v0.1.0/docs/gen-ai/client-inference.md).
/// An attribute whose value is null is left out.
/// </summary>
internal static class SpanAttributes
{

    public static IReadOnlyList<(string Name, Func<ExecutionRecord, object?> Value)> Table { get; } =
    [
        (GenAiNames.OperationName, r => GenAiNames.Operation(r.Format)),
        (GenAiNames.ProviderName, r => GenAiNames.Provider(r.Format)),
        (GenAiNames.RequestModel, r => r.RequestedModel),
        (GenAiNames.ResponseModel, r => r.ResponseModel),
        ("gen_ai.response.id", r => r.ResponseId),

        // The provider's own words, one per choice; "error" when none arrived (the conventions' rule for a failed,
        // canceled or cut stream).
        ("gen_ai.response.finish_reasons", r => r.FinishReason is { Length: > 0 } reasons
            ? reasons.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : new[] { FinishReasonError }),

        // Set if and only if the request streamed.
        ("gen_ai.request.stream", r => r.Stream ? true : null),

        // Tap's input already holds every input token, cache reads and writes included (Anthropic's three counts
        // added up: docs/cost.md), as the conventions ask; its output includes reasoning.
        ("gen_ai.usage.input_tokens", r => r.Usage?.Input),
        ("gen_ai.usage.output_tokens", r => r.Usage?.Output),
        ("gen_ai.usage.cache_read.input_tokens", r => r.Usage?.CachedInput),
        ("gen_ai.usage.cache_write.input_tokens", r => r.Usage?.CacheWrite),
        ("gen_ai.usage.reasoning.output_tokens", r => r.Usage?.Reasoning),

        // Seconds from the start to the first response bytes, for streamed requests.
        ("gen_ai.response.time_to_first_chunk", r => r.Stream ? Seconds(r.TimeToFirstByteMs) : null),
        (GenAiNames.ErrorType, r => r.Status == ExecutionStatus.Failed ? r.Reason : null),

        ("tap.status", r => r.Status),
        ("tap.reason", r => r.Reason),
        ("tap.rule", r => (long)r.Rule),
        ("tap.proof", r => r.Proof),
        ("tap.format", r => r.Format),
        ("tap.finish_reason", r => r.NormalizedFinishReason),
        ("tap.usage.source", r => r.Usage?.Source),
        ("tap.usage.drained", r => r.Usage is { Drained: true } ? true : null),
        ("tap.time_to_first_token", r => Seconds(r.TimeToFirstTokenMs)),
        ("tap.upstream.status_code", r => (long?)r.UpstreamStatus),
        ("tap.cost", r => r.Cost is { } cost ? (double)cost.Total : null),
        ("tap.cost.currency", r => r.Cost?.Currency),
        ("tap.gateway", r => r.Client.Gateway),
        ("tap.route", r => r.Route),
        ("tap.provider", r => r.Provider),
        ("tap.attempt", r => (long)r.Attempt),
        ("tap.request_id", r => r.RequestId),
        ("tap.execution_id", r => r.Id.ToString()),
        ("tap.commit", r => r.Commit),
    ];

    public const string FinishReasonError = "error";

    private static double? Seconds(double? millis) => millis / 1000;
}
