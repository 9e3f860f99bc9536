using System.Globalization;
using System.Text.Json;

namespace Tap.Sidecar.Pricing;

/// <summary>Reads the shipped table (an embedded resource) and an operator's file over it, refusing anything doubtful.</summary>
internal static class PriceTableLoader
{
    private const string ResourceName = "Tap.Sidecar.Pricing.prices.json";

    private static readonly Lazy<PriceTable> ShippedTable = new(() =>
    {
        using var stream = typeof(PriceTableLoader).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The shipped price table {ResourceName} is missing from the build.");
        var (version, currency, entries) = Parse(stream, "the shipped price table", PriceTable.Shipped);
        return new PriceTable(version, currency, entries);
    });

    /// <summary>The table shipped with tap.</summary>
    public static PriceTable Shipped => ShippedTable.Value;

    /// <summary>The shipped table, with the entries of <paramref name="operatorPath"/> added or replacing those of the same id.</summary>
    /// <exception cref="PriceTableException">The operator's file is missing, unreadable, not valid, or in another currency.</exception>
    public static PriceTable Load(string? operatorPath)
    {
        var shipped = Shipped;
        if (string.IsNullOrWhiteSpace(operatorPath))
        {
            return shipped;
        }

        var path = Path.GetFullPath(operatorPath);
        string version;
        string currency;
        List<PriceEntry> entries;
        try
        {
            using var stream = File.OpenRead(path);
            (version, currency, entries) = Parse(stream, path, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PriceTableException($"Tap:Prices:Path {path} cannot be read: {ex.Message}", ex);
        }

        if (!string.Equals(currency, shipped.Currency, StringComparison.OrdinalIgnoreCase))
        {
            throw new PriceTableException($"{path} prices in {currency}, the shipped table in {shipped.Currency}: one table has one currency, so give every price in {shipped.Currency}.");
        }

        var replaced = entries.Select(e => e.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        List<PriceEntry> merged = [.. shipped.Entries.Where(e => !replaced.Contains(e.Id)), .. entries];
        return new PriceTable($"{shipped.Version}+{version}", shipped.Currency, merged);
    }

    private static (string Version, string Currency, List<PriceEntry> Entries) Parse(Stream stream, string name, string origin)
    {
        PriceFile? file;
        try
        {
            file = JsonSerializer.Deserialize(stream, PriceFileJson.Default.PriceFile);
        }
        catch (JsonException ex)
        {
            throw new PriceTableException($"{name} is not a valid price file: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }

        PriceTableException Invalid(string what) => new($"{name} is not a valid price file: {what}.");
        if (file is null)
        {
            throw Invalid("it is null");
        }

        var version = string.IsNullOrWhiteSpace(file.Version) ? throw Invalid("\"version\" is missing") : file.Version.Trim();
        var currency = file.Currency is { Length: 3 } code && code.All(char.IsAsciiLetter)
            ? code.ToUpperInvariant()
            : throw Invalid("\"currency\" must be a 3-letter ISO 4217 code such as USD");
        var entries = new List<PriceEntry>();
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (model, index) in (file.Models ?? []).Select((m, i) => (m, i)))
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"models[{index}]");
            var id = string.IsNullOrWhiteSpace(model.Id) ? throw Invalid($"{where} has no \"id\"") : model.Id.Trim();
            where = $"{where} ({id})";
            var aliases = (model.Aliases ?? []).Select(a => a.Trim()).Where(a => a.Length > 0).ToList();
            foreach (var alias in aliases.Prepend(id))
            {
                if (names.TryGetValue(ModelIds.Normalize(alias), out var owner) && owner != id)
                {
                    throw Invalid($"{where}: the name '{alias}' is also {owner}'s");
                }

                names[ModelIds.Normalize(alias)] = id;
            }

            CheckRates(model, where, Invalid);
            if (model.Input is null && model.Output is null)
            {
                throw Invalid($"{where} has neither an input nor an output price");
            }

            var tiers = new List<PriceTier>();
            foreach (var tier in model.Tiers ?? [])
            {
                var above = tier.AboveInputTokens is > 0 ? tier.AboveInputTokens.Value : throw Invalid($"{where}: every tier needs \"above_input_tokens\" > 0");
                if (tiers.Count > 0 && above <= tiers[^1].AboveInputTokens)
                {
                    throw Invalid($"{where}: tiers must be in ascending order of \"above_input_tokens\"");
                }

                CheckRates(tier, where, Invalid);
                tiers.Add(new PriceTier(above, tier.ToRates()));
            }

            entries.Add(new PriceEntry
            {
                Id = id,
                Provider = model.Provider,
                Aliases = aliases,
                Rates = model.ToRates(),
                Tiers = tiers,
                Source = model.Source,
                Checked = model.Checked,
                Verified = model.Verified,
                Note = model.Note,
                Origin = origin,
            });
        }

        return (version, currency, entries);
    }

    private static void CheckRates(PriceFile.Rates rates, string where, Func<string, PriceTableException> invalid)
    {
        decimal?[] all = [rates.Input, rates.CachedInput, rates.CacheWrite5m, rates.CacheWrite1h, rates.Output, rates.Reasoning];
        if (all.Any(rate => rate < 0))
        {
            throw invalid($"{where}: a price is negative");
        }
    }
}
