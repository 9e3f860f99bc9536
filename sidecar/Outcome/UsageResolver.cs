using System.Globalization;
using Tap.Sidecar.Streams;

namespace Tap.Sidecar.Outcome;

/// <summary>
/// The best usage known for an execution and where it came from. Gateways lose billing truth when a
/// stream ends without final usage (canceled streams logged with zero tokens while the provider billed
/// them): Tap then records the provisional counts it saw, or estimates the output it saw generated.
/// None of this ever proves completion.
/// </summary>
internal static class UsageResolver
{
    public const string Final = "final";
    public const string Provisional = "provisional";
    public const string Estimated = "estimated";

    private const string ProvisionalNote = "No final usage arrived: the counts are the provider's provisional ones.";

    public static ResolvedUsage? Resolve(IFormatAggregator? aggregator, string? model) =>
        ResolveUnlessEstimated(aggregator, model, out var estimate) ?? (estimate is null ? null : Resolve(estimate));

    /// <summary>
    /// The usage, unless only an estimate can give it: then null, and <paramref name="estimate"/> holds what
    /// <see cref="Resolve(UsageEstimate)"/> needs, so that the tokenizing can run later, off a connection's read loop.
    /// </summary>
    public static ResolvedUsage? ResolveUnlessEstimated(IFormatAggregator? aggregator, string? model, out UsageEstimate? estimate)
    {
        estimate = null;
        if (aggregator is null)
        {
            return null;
        }

        if (aggregator.FinalUsage is { } final)
        {
            return new ResolvedUsage(final, Final, null, null);
        }

        var text = aggregator.GeneratedText();
        var provisional = aggregator.ProvisionalUsage;
        if (text.Length == 0)
        {
            return provisional is null ? null : new ResolvedUsage(provisional, Provisional, null, ProvisionalNote);
        }

        estimate = new UsageEstimate(UsageEstimator.Sample(text), text.Length, model, provisional);
        return null;
    }

    /// <summary>Tokenizes the estimate's sample: up to <see cref="UsageEstimator.MaxCountedChars"/> characters.</summary>
    public static ResolvedUsage Resolve(UsageEstimate estimate)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        var (tokens, method) = UsageEstimator.Estimate(estimate.Sample, estimate.Length, estimate.Model);
        var provisional = estimate.Provisional;
        if (provisional?.Output is { } seen && seen >= tokens)
        {
            return new ResolvedUsage(provisional, Provisional, null, ProvisionalNote);
        }

        var input = provisional?.Input;
        var estimated = new TokenUsage
        {
            Input = input,
            CachedInput = provisional?.CachedInput,
            CacheWrite = provisional?.CacheWrite,
            CacheWrite1h = provisional?.CacheWrite1h,
            Output = tokens,
            Total = input is null ? null : input + tokens,
        };
        var from = provisional is null ? "" : " Input counts are the provider's provisional ones.";
        var note = string.Create(CultureInfo.InvariantCulture,
            $"No final usage arrived: output tokens estimated with {method} from {estimate.Length} characters of generated text.{from}");
        return new ResolvedUsage(estimated, Estimated, method, note);
    }
}

/// <summary>Usage with its source: final, provisional or estimated (with the tokenizer used).</summary>
internal sealed record ResolvedUsage(TokenUsage Usage, string Source, string? EstimatedWith, string? Note);
