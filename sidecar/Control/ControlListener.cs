using System.IO.Pipes;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tap.Protocol;
using Tap.Sidecar.Ingest;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Control;

/// <summary>
/// Serves the tap CLI while the sidecar holds the database: one accept loop per allowed connection, each serving
/// its connection's requests one after the other. Only the sidecar's own user may connect (the endpoint can purge).
/// </summary>
internal sealed class ControlListener(
    IOptions<ControlOptions> options,
    IOptions<IngestOptions> ingestOptions,
    IOptions<StoreOptions> storeOptions,
    RecordStore store,
    RecordWriter writer,
    TimeProvider time,
    ILogger<ControlListener> logger,
    Pricing.PriceTable? prices = null) : BackgroundService
{
    private readonly ControlOptions _options = options.Value;
    private readonly string _endpoint = ControlEndpoint.For(ingestOptions.Value.Endpoint);
    private readonly List<NamedPipeServerStream> _firstStreams = [];
    private ControlDispatcher? _dispatcher;
    private long _nextConnectionId;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return Task.CompletedTask;
        }

        _dispatcher = new ControlDispatcher(new StoreRecordSource(store, "the sidecar", ownsStore: false, writer: writer, prices: prices, time: time));

        // Created here so that a taken endpoint fails the start, loudly; .NET would delete whatever file is in the way.
        if (EndpointGuard.Claim(_endpoint, storeOptions.Value.DatabasePath))
        {
            IngestLog.StaleSocketReplaced(logger, PipeEndpoint.SocketPath(_endpoint));
        }

        for (var i = 0; i < _options.MaxConnections; i++)
        {
            _firstStreams.Add(CreateServerStream());
        }

        ControlLog.Listening(logger, _endpoint, PipeEndpoint.Address(_endpoint));
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_firstStreams.Select(first => AcceptLoopAsync(first, stoppingToken)));

    private async Task AcceptLoopAsync(NamedPipeServerStream first, CancellationToken stoppingToken)
    {
        NamedPipeServerStream? stream = first;
        while (true)
        {
            try
            {
                stream ??= CreateServerStream();
                await stream.WaitForConnectionAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                await (stream?.DisposeAsync() ?? ValueTask.CompletedTask);
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another user's client, a client gone mid-accept, or the endpoint briefly unavailable: never end the loop.
                ControlLog.AcceptFailed(logger, ex);
                await (stream?.DisposeAsync() ?? ValueTask.CompletedTask);
                stream = null;
                if (!await DelayAsync(stoppingToken))
                {
                    return;
                }

                continue;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            await using (stream)
            {
                try
                {
                    await ServeAsync(id, stream, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (IOException gone)
                {
                    ControlLog.RequestRejected(logger, id, "the client went away: " + gone.Message);
                }
            }

            stream = null;
        }
    }

    private async Task<bool> DelayAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ServeAsync(long id, NamedPipeServerStream stream, CancellationToken stoppingToken)
    {
        while (true)
        {
            ControlRequest? request;
            using (var idle = new CancellationTokenSource(_options.IdleTimeout, time))
            using (var reading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, idle.Token))
            {
                try
                {
                    var payload = await ControlFraming.ReadAsync(stream, _options.MaxRequestBytes, reading.Token);
                    if (payload is null)
                    {
                        return;
                    }

                    request = JsonSerializer.Deserialize(payload, ControlJson.Default.ControlRequest);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    ControlLog.RequestRejected(logger, id, $"no request within {_options.IdleTimeout}");
                    return;
                }
                catch (Exception ex) when (ex is ControlProtocolException or JsonException)
                {
                    await RejectAsync(id, stream, ex.Message, stoppingToken);
                    return;
                }
            }

            if (request is null)
            {
                await RejectAsync(id, stream, "the request is JSON null", stoppingToken);
                return;
            }

            await ControlFraming.WriteAsync(stream, await AnswerAsync(id, request, stoppingToken), stoppingToken);
            ControlLog.RequestServed(logger, id, request.Command);
        }
    }

    private async Task<byte[]> AnswerAsync(long id, ControlRequest request, CancellationToken stoppingToken)
    {
        ControlResponse response;
        try
        {
            response = await _dispatcher!.DispatchAsync(request, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ControlLog.RequestFailed(logger, ex, id, request.Command);
            response = ControlDispatcher.Error("internal_error", ex.Message);
        }

        if (request.Command == ControlCommands.Purge && !request.DryRun && response.Count is { } deleted)
        {
            ControlLog.Purged(logger, deleted, request.Before!.Value);
        }

        var bytes = ControlDispatcher.Serialize(response);
        return bytes.Length <= _options.MaxResponseBytes ? bytes : ControlDispatcher.Serialize(ControlDispatcher.Error(
            "response_too_large",
            $"The answer is {bytes.Length} bytes, above Tap:Control:MaxResponseBytes ({_options.MaxResponseBytes}): ask for fewer records."));
    }

    /// <summary>Tells the client why (best effort) and logs it; the caller closes the connection.</summary>
    private async Task RejectAsync(long id, Stream stream, string reason, CancellationToken stoppingToken)
    {
        ControlLog.RequestRejected(logger, id, reason);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1), time);
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        try
        {
            await ControlFraming.WriteAsync(stream, ControlDispatcher.Serialize(ControlDispatcher.Error("bad_request", reason)), writing.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client is gone or not reading: the reason is logged, which is all that is owed.
        }
    }

    private NamedPipeServerStream CreateServerStream() => new(
        _endpoint,
        PipeDirection.InOut,
        NamedPipeServerStream.MaxAllowedServerInstances,
        PipeTransmissionMode.Byte,
        PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly);
}
