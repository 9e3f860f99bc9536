using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.Replay;

/// <summary>
/// Every fixture, replayed through <c>tap replay --json</c>, gives the record its golden file says. A golden
/// file (<c>NAME.golden.json</c> beside the fixture) holds the replay options and the expected fields.
/// To accept new results after a deliberate change: <c>TAP_UPDATE_GOLDEN=1 dotnet test --filter GoldenFile</c>,
/// then review the diff.
/// </summary>
public partial class GoldenFileTests
{
    private static readonly string[] ComparedFields =
    [
        "format", "status", "reason", "proof", "rule", "error_message", "finish_reason", "normalized_finish_reason",
        "response_model", "usage", "event_count", "response_truncated", "response",
    ];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static bool Updating => Environment.GetEnvironmentVariable("TAP_UPDATE_GOLDEN") == "1";

    public static IEnumerable<TestCaseData> Fixtures() =>
        from path in Directory.EnumerateFiles(FixtureRoot(), "*", SearchOption.AllDirectories)
        where FixtureFiles.IsTranscript(path)
        let relative = Path.GetRelativePath(FixtureRoot(), path).Replace('\\', '/')
        orderby relative
        select new TestCaseData(relative).SetName("Golden " + relative);

    [TestCaseSource(nameof(Fixtures))]
    public async Task Replayed_fixture_matches_its_golden_record(string fixture)
    {
        var source = Path.Combine(FixtureRoot(), fixture);
        var goldenPath = source + ".golden.json";
        var golden = File.Exists(goldenPath) ? JsonNode.Parse(await File.ReadAllTextAsync(goldenPath))!.AsObject() : null;
        var replay = golden?["replay"]?.AsObject() ?? DefaultReplayOptions(fixture);

        var actual = Select(await CliRunner.RunJsonAsync(ReplayArguments(source, fixture, replay)));

        if (golden is null || Updating)
        {
            var updated = new JsonObject { ["replay"] = replay.DeepClone(), ["expected"] = actual };
            await File.WriteAllTextAsync(goldenPath, updated.ToJsonString(Indented) + "\n");
            if (golden is null && !Updating)
            {
                Assert.Fail($"{fixture} had no golden file; one was written from this run. Review it and commit it.");
            }

            return;
        }

        var expected = golden["expected"]!.AsObject();
        Assert.That(actual.ToJsonString(Indented), Is.EqualTo(expected.ToJsonString(Indented)), $"{fixture}: run TAP_UPDATE_GOLDEN=1 to accept a deliberate change");
    }

    private static string[] ReplayArguments(string source, string fixture, JsonObject replay)
    {
        var args = new List<string> { "replay", source, "--format", fixture.Split('/')[0], "--json" };
        foreach (var (name, value) in replay)
        {
            args.Add("--" + name.Replace('_', '-'));
            args.Add(value!.ToJsonString().Trim('"'));
        }

        return [.. args];
    }

    /// <summary>Error bodies replay as the HTTP status in their name (error-429.json), else 429 for error-4xx.</summary>
    private static JsonObject DefaultReplayOptions(string fixture)
    {
        var options = new JsonObject();
        var match = ErrorBodyName().Match(Path.GetFileName(fixture));
        if (match.Success)
        {
            options["status"] = int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var status) ? status : 429;
        }

        return options;
    }

    private static JsonObject Select(JsonElement record)
    {
        var selected = new JsonObject();
        foreach (var field in ComparedFields)
        {
            var value = record.GetProperty(field);
            selected[field] = field == "response" && value.ValueKind == JsonValueKind.String && TryParse(value.GetString()!) is { } parsed
                ? parsed
                : JsonNode.Parse(value.GetRawText());
        }

        return selected;
    }

    private static JsonNode? TryParse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string FixtureRoot() => FixtureFiles.SourceRoot();

    [GeneratedRegex(@"^error-(\d{3}|\dxx)\.json$")]
    private static partial Regex ErrorBodyName();
}
