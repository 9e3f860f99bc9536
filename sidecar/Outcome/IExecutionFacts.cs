using Tap.Sidecar.Streams;

namespace Tap.Sidecar.Outcome;

/// <summary>
/// What <see cref="OutcomeEngine"/> decides from: everything the proxy reported of one execution. The execution's
/// state implements it, so the decision stays below the execution model instead of importing it.
/// </summary>
internal interface IExecutionFacts
{
    DateTimeOffset StartedAt { get; }

    IReadOnlyList<ObservedSignal> Signals { get; }

    IReadOnlyList<string> Notes { get; }

    int? UpstreamStatus { get; }

    /// <summary>The body of an HTTP error response (capped), for the provider's error message.</summary>
    ReadOnlySpan<byte> ErrorBody { get; }

    IFormatAggregator? Aggregator { get; }

    StreamFault? AggregatorFailure { get; }

    long Bytes { get; }

    bool Ended { get; }

    ObservedSignal? ClientAbort { get; }

    ObservedSignal? UpstreamError { get; }

    ObservedSignal? UpstreamEnd { get; }

    /// <summary>The decision as the client saw it when it left and the shim started draining.</summary>
    OutcomeDecision? DecisionAtDrain { get; }
}
