using System.Collections.Concurrent;
using System.IO.Pipes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tap.Protocol;
using Tap.Sidecar.Executions;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Ingest;

/// <summary>
/// Accepts shims on the pipe, like Kestrel's named-pipe listener: several accept loops, and the next
/// server stream exists before a connected one is handed on, so no other process can take the name.
/// </summary>
internal sealed class PipeListener(
    IOptions<IngestOptions> options,
    IOptions<StoreOptions> storeOptions,
    ExecutionRecorder recorder,
    OrphanRegistry orphans,
    ExecutionOwnership ownership,
    TimeProvider time,
    ILogger<PipeListener> logger) : BackgroundService
{
    private readonly IngestOptions _options = options.Value;
    private readonly ConnectionLimit _limit = new(options.Value.MaxConnections, time);
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly List<NamedPipeServerStream> _firstStreams = [];
    private long _nextConnectionId;

    /// <summary>The bytes all connections' frames in progress hold together; one per listener, shared by its connections.</summary>
    internal PartialFrameBudget PartialFrames { get; } = new(options.Value.MaxPartialFrameBytes);

    /// <summary>Shim connections served now, at most Tap:Ingest:MaxConnections.</summary>
    internal int OpenConnections => _limit.Open;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _options.Validate();

        // Created here rather than in the loops so that a bad or taken endpoint fails the start, loudly.
        if (EndpointGuard.Claim(_options.Endpoint, storeOptions.Value.DatabasePath))
        {
            IngestLog.StaleSocketReplaced(logger, PipeEndpoint.SocketPath(_options.Endpoint));
        }

        for (var i = 0; i < _options.AcceptLoops; i++)
        {
            _firstStreams.Add(CreateServerStream(first: i == 0));
        }

        EndpointGuard.Protect(_options.Endpoint, _options.SocketGroup);

        IngestLog.Listening(logger, _options.Endpoint, PipeEndpoint.Address(_options.Endpoint), storeOptions.Value.DatabasePath);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweeping = SweepOrphansAsync(stoppingToken);
        await Task.WhenAll(_firstStreams.Select(first => AcceptLoopAsync(first, stoppingToken)));

        // Connections finalize their in-flight executions on the way out; the writer stops after us.
        await Task.WhenAll(_connections.Values);
        await sweeping;
        RecordOrphans(orphans.TakeAll());
    }

    /// <summary>Orphans whose shim did not come back in time are decided by rule 7.</summary>
    private async Task SweepOrphansAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                RecordOrphans(orphans.TakeExpired());
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void RecordOrphans(List<OrphanRegistry.Orphan> expired)
    {
        foreach (var orphan in expired)
        {
            orphan.State.OnFinalized(Finalization.ConnectionLost, orphan.Expires);
            recorder.Record(orphan.State, Finalization.ConnectionLost, orphan.Client, orphan.Raw, acknowledge: null);
        }
    }

    private async Task AcceptLoopAsync(NamedPipeServerStream next, CancellationToken stoppingToken)
    {
        while (true)
        {
            var current = next;
            try
            {
                await current.WaitForConnectionAsync(stoppingToken);
                next = CreateServerStream();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                await current.DisposeAsync();
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                IngestLog.AcceptFailed(logger, ex);
                await current.DisposeAsync();
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                next = CreateServerStream();
                continue;
            }

            if (!_limit.TryEnter())
            {
                _ = RefuseAsync(current);
                continue;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            var connection = ServeAsync(id, current, stoppingToken);
            _connections[id] = connection;
            _ = connection.ContinueWith((_, state) => _connections.TryRemove((long)state!, out Task? _), id, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(long id, NamedPipeServerStream stream, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await using (stream)
            {
                await new ClientConnection(id, stream, _options, recorder, ownership, PartialFrames, time, logger).RunAsync(stoppingToken);
            }
        }
        finally
        {
            _limit.Exit();
        }
    }

    /// <summary>Over Tap:Ingest:MaxConnections: told why (best effort) and closed at once, before it can hold any memory.</summary>
    private async Task RefuseAsync(NamedPipeServerStream stream)
    {
        if (_limit.Refused() is > 0 and var count)
        {
            IngestLog.ConnectionsRefused(logger, count, _limit.Max);
        }

        await using (stream)
        {
            await using var replies = new ReplyWriter(stream);
            await replies.TrySendAsync(
                new ErrorMessage { Code = ProtocolErrorCodes.TooManyConnections, Message = $"The sidecar serves {_limit.Max} connections at most (Tap:Ingest:MaxConnections); try again later." },
                TimeSpan.FromSeconds(1));
        }
    }

    // On Windows the first instance is created with FirstPipeInstance, so a second sidecar fails instead of sharing the name.
    private NamedPipeServerStream CreateServerStream(bool first = false) =>
        OperatingSystem.IsWindows() && _options.AllowedAccounts.Count > 0
            ? NamedPipeServerStreamAcl.Create(
                _options.Endpoint, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances, PipeTransmissionMode.Byte,
                Options(first), 0, 0, PipeAccess.ForAccounts(_options.AllowedAccounts))
            : new NamedPipeServerStream(_options.Endpoint, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances, PipeTransmissionMode.Byte, Options(first));

    private static PipeOptions Options(bool first) =>
        OperatingSystem.IsWindows() && first ? PipeOptions.Asynchronous | PipeOptions.FirstPipeInstance : PipeOptions.Asynchronous;
}
