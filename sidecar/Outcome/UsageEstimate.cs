using Tap.Sidecar.Streams;

namespace Tap.Sidecar.Outcome;

/// <summary>
/// What an estimate of output tokens needs once the stream is decided: the generated text's sample (at most
/// <see cref="UsageEstimator.MaxCountedChars"/> characters, so a waiting estimate holds at most 512 KiB) and its length.
/// </summary>
internal sealed record UsageEstimate(string Sample, int Length, string? Model, TokenUsage? Provisional);
