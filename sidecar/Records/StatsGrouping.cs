namespace Tap.Sidecar.Records;

/// <summary>The fields <c>tap stats --by</c> groups on.</summary>
internal static class StatsGrouping
{
    public const string Status = "status";
    public const string Model = "model";
    public const string Format = "format";
    public const string Route = "route";
    public const string Gateway = "gateway";

    public static IReadOnlyList<string> All { get; } = [Status, Model, Format, Route, Gateway];

    public static Func<ExecutionRecord, string?> KeyOf(string by) => by switch
    {
        Status => r => r.Status,
        Model => r => r.Model,
        Format => r => r.Format,
        Route => r => r.Route,
        Gateway => r => r.Client.Gateway,
        _ => throw new ArgumentException($"Cannot group by '{by}': use one of {string.Join(", ", All)}.", nameof(by)),
    };
}
