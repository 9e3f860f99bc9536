using Tap.Sidecar.Pricing;

namespace Tap.Sidecar.Records;

/// <summary>
/// The cost on a record: computed when the record is made, and again by <c>tap reprice</c>, which keeps the figure it
/// replaces in <see cref="ExecutionRecord.CostHistory"/>. A model with no price gets no cost (never 0) and a note.
/// </summary>
internal static class RecordCost
{
    /// <summary>Every note this class writes starts so, which lets a reprice replace its own note and nothing else.</summary>
    public const string NotePrefix = "No price for ";

    /// <summary>Sets the record's cost from its usage with <paramref name="table"/>; <paramref name="model"/> prices it as another model.</summary>
    public static void Apply(ExecutionRecord record, PriceTable table, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(table);
        var (cost, note) = Compute(record, table, model ?? record.Model, record.RecordedAt);
        record.Cost = cost;
        record.Notes.RemoveAll(n => n.StartsWith(NotePrefix, StringComparison.Ordinal));
        if (note is not null)
        {
            record.Notes.Add(note);
        }
    }

    /// <summary>
    /// Recomputes the record's cost with <paramref name="table"/>; when it differs (another figure, entry or table),
    /// the old one goes to the record's history. False when nothing changed.
    /// </summary>
    public static bool Reprice(ExecutionRecord record, PriceTable table, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(table);
        var (cost, note) = Compute(record, table, record.Model, now);
        var old = record.Cost;
        if (old?.Total == cost?.Total && old?.Entry == cost?.Entry && old?.TableVersion == cost?.TableVersion && old?.Source == cost?.Source)
        {
            return false;
        }

        // A record made before costs existed had neither a cost nor a note: there is no figure to keep.
        if (old is not null || record.Notes.Exists(n => n.StartsWith(NotePrefix, StringComparison.Ordinal)))
        {
            (record.CostHistory ??= []).Add(new CostRevision
            {
                Total = old?.Total,
                Currency = old?.Currency,
                Entry = old?.Entry,
                TableVersion = old?.TableVersion,
                Source = old?.Source,
                ComputedAt = old?.ComputedAt,
                ReplacedAt = now,
            });
        }

        record.Cost = cost;
        record.Notes.RemoveAll(n => n.StartsWith(NotePrefix, StringComparison.Ordinal));
        if (note is not null)
        {
            record.Notes.Add(note);
        }

        return true;
    }

    /// <summary>The usage source a cost follows: a final usage read while the shim drained the upstream is <c>drained</c>.</summary>
    public static string SourceOf(UsageEntry usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return usage.Drained ? "drained" : usage.Source;
    }

    private static (CostEntry? Cost, string? Note) Compute(ExecutionRecord record, PriceTable table, string? model, DateTime at)
    {
        // No usage at all (a refused request, nothing generated): nothing to price, and the usage says so already.
        if (record.Usage is not { } usage)
        {
            return (null, null);
        }

        if (table.Find(model) is not { } entry)
        {
            var named = string.IsNullOrWhiteSpace(model) ? "an execution that names no model" : $"model '{model}'";
            return (null, $"{NotePrefix}{named} in the price table {table.Version}: the cost is unknown, not 0 (tap prices --missing).");
        }

        if (CostCalculator.Compute(entry, Counts(usage)) is not { } cost)
        {
            return (null, null);
        }

        cost.Currency = table.Currency;
        cost.TableVersion = table.Version;
        cost.Source = SourceOf(usage);
        cost.ComputedAt = at;
        return (cost, null);
    }

    private static TokenCounts Counts(UsageEntry usage) => new()
    {
        Input = usage.Input,
        CachedInput = usage.CachedInput,
        CacheWrite = usage.CacheWrite,
        CacheWrite1h = usage.CacheWrite1h,
        Output = usage.Output,
        Reasoning = usage.Reasoning,
    };
}
