using System.Text.Json;
using Tap.Sidecar.Cli;
using Tap.Tests.Support;

namespace Tap.Tests.Cli;

public sealed class RecordJsonTests
{
    [Test]
    public void Dates_of_any_kind_print_as_utc_with_a_z()
    {
        var record = SampleRecords.Full();
        record.StartedAt = new DateTime(2026, 11, 20, 14, 30, 15, 123, DateTimeKind.Utc).ToLocalTime();
        record.EndedAt = new DateTime(2026, 11, 20, 14, 30, 16, 0, DateTimeKind.Unspecified);
        using var output = new StringWriter();

        RecordJson.Write(output, record);

        using var json = JsonDocument.Parse(output.ToString());
        Assert.That(json.RootElement.GetProperty("started_at").GetString(), Is.EqualTo("2026-11-20T14:30:15.123Z"));
        Assert.That(json.RootElement.GetProperty("ended_at").GetString(), Is.EqualTo("2026-11-20T14:30:16.000Z"));
        Assert.That(json.RootElement.GetProperty("error_message").ValueKind, Is.EqualTo(JsonValueKind.Null), "null fields keep their key");
    }
}
