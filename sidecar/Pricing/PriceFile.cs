using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tap.Sidecar.Pricing;

/// <summary>The price file's JSON (docs/cost.md, "The price file"): the shipped table and an operator's have the same shape.</summary>
internal sealed class PriceFile
{
    public string? Version { get; set; }
    public string? Currency { get; set; }
    public List<Model>? Models { get; set; }

    internal class Rates
    {
        public decimal? Input { get; set; }
        public decimal? CachedInput { get; set; }

        [JsonPropertyName("cache_write_5m")]
        public decimal? CacheWrite5m { get; set; }

        [JsonPropertyName("cache_write_1h")]
        public decimal? CacheWrite1h { get; set; }
        public decimal? Output { get; set; }
        public decimal? Reasoning { get; set; }

        public PriceRates ToRates() => new()
        {
            Input = Input,
            CachedInput = CachedInput,
            CacheWrite5m = CacheWrite5m,
            CacheWrite1h = CacheWrite1h,
            Output = Output,
            Reasoning = Reasoning,
        };
    }

    internal sealed class Model : Rates
    {
        public string? Id { get; set; }
        public string? Provider { get; set; }
        public List<string>? Aliases { get; set; }
        public List<Tier>? Tiers { get; set; }
        public string? Source { get; set; }
        public string? Checked { get; set; }
        public bool? Verified { get; set; }
        public string? Note { get; set; }
    }

    internal sealed class Tier : Rates
    {
        public long? AboveInputTokens { get; set; }
    }
}

/// <summary>Unknown keys are refused: a misspelt price would otherwise be silently missing.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(PriceFile))]
internal sealed partial class PriceFileJson : JsonSerializerContext;
