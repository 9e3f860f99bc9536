using System.IO.Pipes;
using System.Text.Json;
using Tap.Protocol;
using Tap.Sidecar.Ingest;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Control;

/// <summary>
/// <see cref="IRecordSource"/> over a running sidecar's control endpoint: one connection, one request at a time.
/// </summary>
internal sealed class ControlClient : IRecordSource
{
    /// <summary>Largest answer read; matches the sidecar's default <see cref="ControlOptions.MaxResponseBytes"/>.</summary>
    public const int MaxResponseBytes = 64 * 1024 * 1024;

    /// <summary>
    /// How long an answer may take. Generous, as stats over a long window read every record in it; a sidecar that
    /// accepts and never answers (hung, or something else on the endpoint) must not hang the CLI.
    /// </summary>
    public static readonly TimeSpan DefaultReplyTimeout = TimeSpan.FromMinutes(2);

    private readonly NamedPipeClientStream _stream;
    private readonly TimeSpan _replyTimeout;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private ControlClient(NamedPipeClientStream stream, string endpoint, TimeSpan replyTimeout)
    {
        _stream = stream;
        _replyTimeout = replyTimeout;
        Description = $"the sidecar at {PipeEndpoint.Address(endpoint)}";
    }

    public string Description { get; }

    /// <summary>A client connected to the control endpoint of the sidecar on <paramref name="ingestEndpoint"/>, or null when none answers in time.</summary>
    /// <param name="replyTimeout">How long each answer may take; <see cref="DefaultReplyTimeout"/> when null.</param>
    public static async Task<ControlClient?> TryConnectAsync(string ingestEndpoint, TimeSpan timeout, CancellationToken cancellationToken, TimeSpan? replyTimeout = null)
    {
        var endpoint = ControlEndpoint.For(ingestEndpoint);

        // Without the socket file no sidecar listens: skip the wait (on Unix the connect retries until its timeout).
        if (!OperatingSystem.IsWindows() && !File.Exists(PipeEndpoint.Address(endpoint)))
        {
            return null;
        }

        var stream = new NamedPipeClientStream(".", endpoint, PipeDirection.InOut, PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly);
        try
        {
            await stream.ConnectAsync(timeout, cancellationToken);
            return new ControlClient(stream, endpoint, replyTimeout ?? DefaultReplyTimeout);
        }
        // A socket this user may not open (another user's sidecar: EACCES) is no answer either: the file is read instead.
        catch (Exception ex) when (ex is TimeoutException or IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            await stream.DisposeAsync();
            return null;
        }
    }

    public async Task<IReadOnlyList<ExecutionRecord>> ListAsync(RecordQuery query, CancellationToken cancellationToken) =>
        (await SendAsync(new ControlRequest { Command = ControlCommands.List, Query = query }, cancellationToken)).Records ?? [];

    public async Task<RecordLookup?> FindAsync(string idOrPrefix, CancellationToken cancellationToken)
    {
        var response = await SendAsync(new ControlRequest { Command = ControlCommands.Show, Id = idOrPrefix }, cancellationToken);
        return response.Record is { } record ? new RecordLookup(record, response.Attempts ?? []) : null;
    }

    public async Task<RecordStats> StatsAsync(RecordQuery window, string by, CancellationToken cancellationToken) =>
        (await SendAsync(new ControlRequest { Command = ControlCommands.Stats, Query = window, By = by }, cancellationToken)).Stats
        ?? throw new ControlException("bad_response", "The sidecar answered stats without statistics.");

    public async Task<long> CountAsync(RecordQuery query, CancellationToken cancellationToken) =>
        (await SendAsync(new ControlRequest { Command = ControlCommands.Count, Query = query }, cancellationToken)).Count ?? 0;

    public async Task<IReadOnlyList<LossCount>> ShimLossesAsync(RecordQuery window, CancellationToken cancellationToken) =>
        (await SendAsync(new ControlRequest { Command = ControlCommands.ShimLosses, Query = window }, cancellationToken)).Losses ?? [];

    public async Task<IReadOnlyList<string>> SideCollectionsAsync(CancellationToken cancellationToken) =>
        (await SendAsync(new ControlRequest { Command = ControlCommands.SideCollections }, cancellationToken)).Collections ?? [];

    public async Task<IReadOnlyList<string>> SideDocumentsAsync(string collection, string? afterId, int limit, CancellationToken cancellationToken) =>
        (await SendAsync(new ControlRequest { Command = ControlCommands.SideDocuments, Collection = collection, After = afterId, Limit = limit }, cancellationToken)).Documents ?? [];

    public async Task<long> PurgeAsync(DateTime before, bool dryRun, CancellationToken cancellationToken) =>
        (await SendAsync(new ControlRequest { Command = ControlCommands.Purge, Before = before, DryRun = dryRun }, cancellationToken)).Count ?? 0;

    public async Task<Pricing.RepriceResult> RepriceAsync(RecordQuery window, bool dryRun, CancellationToken cancellationToken) =>
        (await SendAsync(new ControlRequest { Command = ControlCommands.Reprice, Query = window, DryRun = dryRun }, cancellationToken)).Reprice
        ?? throw new ControlException("bad_response", "The sidecar answered reprice without a result.");

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _gate.Dispose();
    }

    private async Task<ControlResponse> SendAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        byte[]? payload;
        using var reply = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        reply.CancelAfter(_replyTimeout);
        try
        {
            await ControlFraming.WriteAsync(_stream, JsonSerializer.SerializeToUtf8Bytes(request, ControlJson.Default.ControlRequest), reply.Token);
            payload = await ControlFraming.ReadAsync(_stream, MaxResponseBytes, reply.Token);
        }
        catch (Exception ex) when (ex is IOException or ControlProtocolException or ObjectDisposedException)
        {
            throw new ControlException("connection_broken", $"The conversation with {Description} broke: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Half a frame may be in flight: the connection cannot carry another request.
            await _stream.DisposeAsync();
            throw new ControlException("timeout", $"{Description} did not answer '{request.Command}' within {_replyTimeout.TotalSeconds:0.#} s.", ex);
        }
        finally
        {
            _gate.Release();
        }

        var response = payload is null ? null : Deserialize(payload);
        if (response is null)
        {
            throw new ControlException("connection_broken", $"{Description} closed the connection without answering.");
        }

        if (response.Error is { } error)
        {
            throw error.Code == "ambiguous_id" && request.Id is { } prefix
                ? new AmbiguousIdException(prefix.Trim(), error.Matches ?? [])
                : new ControlException(error.Code, $"{Description} refused '{request.Command}': {error.Message}");
        }

        return response;
    }

    private ControlResponse? Deserialize(byte[] payload)
    {
        try
        {
            return JsonSerializer.Deserialize(payload, ControlJson.Default.ControlResponse);
        }
        catch (JsonException ex)
        {
            throw new ControlException("bad_response", $"{Description} answered with invalid JSON: {ex.Message}", ex);
        }
    }
}
