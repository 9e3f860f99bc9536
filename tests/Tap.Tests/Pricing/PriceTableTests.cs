using Tap.Sidecar.Pricing;
using Tap.Tests.Support;

namespace Tap.Tests.Pricing;

/// <summary>The shipped table, the operator's file over it, and the ways a model is named.</summary>
public sealed class PriceTableTests
{
    [TestCase("claude-sonnet-4-5-20250929", "claude-sonnet-4-5")]
    [TestCase("gpt-4o-2024-08-06", "gpt-4o")]
    [TestCase("models/gemini-2.5-pro", "gemini-2.5-pro")]
    [TestCase("openai/gpt-4.1-mini-2025-04-14", "gpt-4.1-mini")]
    [TestCase("anthropic/claude-opus-4-5@20251101", "claude-opus-4-5")]
    [TestCase("GPT-5.5", "gpt-5.5")]
    public void A_model_is_found_by_its_dated_prefixed_or_versioned_id(string model, string entry) =>
        Assert.That(PriceTableLoader.Shipped.Find(model)?.Id, Is.EqualTo(entry));

    [TestCase("deepseek-reasoner")]
    [TestCase("gpt-4o-mini-transcribe")]
    [TestCase("")]
    public void A_model_without_an_entry_is_not_priced_as_a_neighbour(string model) =>
        Assert.That(PriceTableLoader.Shipped.Find(model), Is.Null);

    [Test]
    public void Every_shipped_entry_names_its_source_and_the_day_it_was_read()
    {
        Assert.That(PriceTableLoader.Shipped.Entries, Has.Count.GreaterThan(30));
        Assert.That(PriceTableLoader.Shipped.Entries.Select(e => e.Provider).Distinct(), Is.EquivalentTo(new[] { "anthropic", "openai", "google" }));
        Assert.That(PriceTableLoader.Shipped.Entries, Has.All.Matches<PriceEntry>(e => e.Source!.StartsWith("https://", StringComparison.Ordinal) && e.Checked == "2026-12-02"));
    }

    [Test]
    public void One_hour_cache_writes_are_priced_at_their_own_rate()
    {
        // claude-opus-4-5: 5-minute writes 6.25, 1-hour writes 10 per million.
        var entry = PriceTableLoader.Shipped.Find("claude-opus-4-5")!;
        var cost = CostCalculator.Compute(entry, new TokenCounts { Input = 1000, CacheWrite = 1000, CacheWrite1h = 400, Output = 0 })!;

        Assert.That((cost.Input, cost.CacheWrite, cost.Total), Is.EqualTo((0m, 0.00775m, 0.00775m)));
    }

    [Test]
    public void An_operator_file_adds_and_replaces_entries_and_names_its_origin()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "prices.json");
        File.WriteAllText(path, """
            {
              "version": "ops-7",
              "currency": "usd",
              // Negotiated rate.
              "models": [
                { "id": "gpt-4o", "input": 2.00, "cached_input": 1.00, "output": 8.00, "source": "contract 2026-11" },
                { "id": "deepseek-reasoner", "provider": "deepseek", "aliases": ["deepseek/deepseek-reasoner"], "input": 0.55, "output": 2.19 }
              ]
            }
            """);

        var table = PriceTableLoader.Load(path);

        Assert.That(table.Version, Is.EqualTo("2026-12-02+ops-7"));
        Assert.That((table.Find("gpt-4o-2024-08-06")!.Rates.Input, table.Find("gpt-4o")!.Origin), Is.EqualTo(((decimal?)2.00m, path)));
        Assert.That(table.Find("deepseek-reasoner")!.Rates.Output, Is.EqualTo(2.19m));
        Assert.That(table.Find("claude-sonnet-4-5")!.Origin, Is.EqualTo(PriceTable.Shipped));
        Assert.That(table.Entries.Count(e => e.Id == "gpt-4o"), Is.EqualTo(1));
    }

    [TestCase("""{"version":"1","currency":"EUR","models":[]}""", "prices in EUR, the shipped table in USD")]
    [TestCase("""{"version":"1","currency":"USD","models":[{"id":"x","inptu":1}]}""", "is not a valid price file")]
    [TestCase("""{"version":"1","currency":"USD","models":[{"id":"x","input":-1}]}""", "models[0] (x): a price is negative")]
    [TestCase("""{"version":"1","currency":"USD","models":[{"id":"x","input":1,"tiers":[{"above_input_tokens":0,"input":2}]}]}""", "every tier needs")]
    [TestCase("""{"currency":"USD","models":[]}""", "\"version\" is missing")]
    [TestCase("""not json""", "is not a valid price file")]
    public void A_price_file_that_cannot_be_trusted_is_refused_with_one_line(string text, string expected)
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "prices.json");
        File.WriteAllText(path, text);

        var refused = Assert.Throws<PriceTableException>(() => PriceTableLoader.Load(path))!;

        Assert.That(refused.Message, Does.Contain(expected).And.Contain(path).And.Not.Contain("\n"));
    }

    [Test]
    public void A_missing_price_file_is_refused()
    {
        var refused = Assert.Throws<PriceTableException>(() => PriceTableLoader.Load("/nonexistent/prices.json"))!;
        Assert.That(refused.Message, Does.StartWith("Tap:Prices:Path /nonexistent/prices.json cannot be read"));
    }
}
