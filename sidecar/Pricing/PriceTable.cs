namespace Tap.Sidecar.Pricing;

/// <summary>
/// The prices in force: the table shipped with tap, with the entries of the operator's file (Tap:Prices:Path) added
/// or put in place of the shipped ones of the same id. One currency per table.
/// </summary>
internal sealed class PriceTable
{
    public const string Shipped = "shipped";

    private readonly Dictionary<string, PriceEntry> _byName;

    public PriceTable(string version, string currency, IReadOnlyList<PriceEntry> entries)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        ArgumentException.ThrowIfNullOrWhiteSpace(currency);
        ArgumentNullException.ThrowIfNull(entries);
        Version = version;
        Currency = currency;
        Entries = entries;
        _byName = new Dictionary<string, PriceEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            foreach (var name in entry.Aliases.Prepend(entry.Id))
            {
                _byName[ModelIds.Normalize(name)] = entry;
            }
        }
    }

    /// <summary>The shipped table's version, and the operator file's after a '+' when there is one.</summary>
    public string Version { get; }

    /// <summary>ISO 4217, e.g. USD.</summary>
    public string Currency { get; }

    public IReadOnlyList<PriceEntry> Entries { get; }

    /// <summary>
    /// The entry for a model id as a provider or gateway names it: exactly, or without a provider prefix
    /// (<c>models/</c>, <c>openai/</c>), a Vertex <c>@</c> version, or a dated snapshot suffix. Null when none has a price.
    /// </summary>
    public PriceEntry? Find(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        foreach (var candidate in ModelIds.Candidates(model))
        {
            if (_byName.TryGetValue(candidate, out var entry))
            {
                return entry;
            }
        }

        return null;
    }
}
