using System.Text.Json;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Control;

/// <summary>Answers one control request from the sidecar's store, through the same <see cref="IRecordSource"/> the CLI uses on a file.</summary>
internal sealed class ControlDispatcher(IRecordSource records)
{
    /// <summary>Records one list answer may hold: the answer is built in memory before its size is checked.</summary>
    public const int MaxListLimit = 10_000;

    /// <summary>The JSON response; a request that names no known command or lacks a field gets a <c>bad_request</c> error.</summary>
    public async Task<ControlResponse> DispatchAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return request.Command switch
            {
                ControlCommands.List => new ControlResponse { Records = await records.ListAsync(Bounded(Required(request.Query, "query")), cancellationToken) },
                ControlCommands.Count => new ControlResponse { Count = await records.CountAsync(Required(request.Query, "query"), cancellationToken) },
                ControlCommands.ShimLosses => new ControlResponse { Losses = await records.ShimLossesAsync(request.Query ?? new RecordQuery(), cancellationToken) },
                ControlCommands.SideCollections => new ControlResponse { Collections = await records.SideCollectionsAsync(cancellationToken) },
                ControlCommands.SideDocuments => new ControlResponse
                {
                    Documents = await records.SideDocumentsAsync(
                        Required(request.Collection, "collection"), request.After, SideDocumentLimit(request.Limit), cancellationToken),
                },
                ControlCommands.Stats => new ControlResponse
                {
                    Stats = await records.StatsAsync(Required(request.Query, "query"), Required(request.By, "by"), cancellationToken),
                },
                ControlCommands.Show => await records.FindAsync(Required(request.Id, "id"), cancellationToken) is { } found
                    ? new ControlResponse { Record = found.Record, Attempts = found.Attempts }
                    : new ControlResponse(),
                ControlCommands.Purge => new ControlResponse
                {
                    Count = await records.PurgeAsync(Required(request.Before, "before"), request.DryRun, cancellationToken),
                },
                ControlCommands.Reprice => new ControlResponse
                {
                    Reprice = await records.RepriceAsync(Required(request.Query, "query"), request.DryRun, cancellationToken),
                },
                _ => Error("bad_request", $"Unknown command '{request.Command}'."),
            };
        }
        catch (AmbiguousIdException ambiguous)
        {
            return new ControlResponse { Error = new ControlError { Code = "ambiguous_id", Message = ambiguous.Message, Matches = ambiguous.Matches } };
        }
        catch (ArgumentException invalid)
        {
            return Error("bad_request", invalid.Message);
        }
    }

    public static ControlResponse Error(string code, string message) => new() { Error = new ControlError { Code = code, Message = message } };

    public static byte[] Serialize(ControlResponse response) => JsonSerializer.SerializeToUtf8Bytes(response, ControlJson.Default.ControlResponse);

    private static RecordQuery Bounded(RecordQuery query) => query.Limit is >= 1 and <= MaxListLimit
        ? query
        : throw new ArgumentException($"The limit must be between 1 and {MaxListLimit} (is {query.Limit}).");

    private static int SideDocumentLimit(int? limit) => limit is >= 1 and <= IRecordSource.MaxSideDocuments
        ? limit.Value
        : throw new ArgumentException($"The limit must be between 1 and {IRecordSource.MaxSideDocuments} (is {limit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}).");

    private static T Required<T>(T? value, string name)
        where T : class => value ?? throw new ArgumentException($"The request has no '{name}'.");

    private static DateTime Required(DateTime? value, string name) => value ?? throw new ArgumentException($"The request has no '{name}'.");
}
