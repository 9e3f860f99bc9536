using System.Diagnostics;
using System.Reflection;
using Tap.Protocol;
using Tap.Shim.Capture;
using Tap.Shim.Delivery;

namespace Tap.Shim;

/// <summary>
/// The process's connection to the Tap sidecar. Thread-safe; create one per process. It connects in the
/// background and reconnects by itself; reporting never blocks, never throws and holds at most
/// <see cref="TapClientOptions.MaxBufferedBytes"/> of frames, dropping and counting what does not fit.
/// </summary>
public sealed class TapClient : IDisposable, IAsyncDisposable
{
    private readonly TapClientOptions _options;
    private readonly TimeProvider _time;
    private readonly OutboundBuffer _buffer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writer;
    private readonly string _processName;
    private readonly int _processId;
    private readonly int _maxRequestBody;
    private int _disposed;
    private readonly ShimCounters _counters = new();
    private readonly DeliveryLoop _delivery;
    private readonly Outbox _outbox;
    private readonly byte[] _instanceId = new byte[16];

    /// <summary>Creates the client and starts connecting in the background.</summary>
    /// <exception cref="ArgumentException">The options are out of their documented ranges.</exception>
    public TapClient(TapClientOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        // The writer keeps the buffer within MaxBufferedBytes by dropping whole executions; the headroom only
        // covers the moments before it gets to run, so memory stays bounded even if it falls behind.
        _buffer = new OutboundBuffer(options.MaxBufferedBytes + Math.Max(4L * options.MaxFrameBytes, options.MaxBufferedBytes / 4));
        Drains = new DrainGate(options.Drain);
        _maxRequestBody = Math.Min(options.MaxRequestBodyBytes, options.MaxFrameBytes / 2);
        using var process = Process.GetCurrentProcess();
        _processName = process.ProcessName;
        _processId = process.Id;

        System.Security.Cryptography.RandomNumberGenerator.Fill(_instanceId);
        _delivery = new DeliveryLoop(options, _buffer, _counters, _time, CreateHello, Convert.ToHexString(_instanceId).ToLowerInvariant(), options.GatewayName ?? _processName);
        _outbox = new Outbox(options, _buffer, _counters, _delivery, _time);
        _delivery.Connected = _outbox.Connected;

        // The writer must not carry the creating request's ExecutionContext (its AsyncLocals) for its whole life.
        using (ExecutionContext.SuppressFlow())
        {
            _writer = Task.Run(() => _delivery.RunAsync(_stopping.Token));
        }
    }

    /// <summary>Whether a connection to the sidecar is up now.</summary>
    public bool IsConnected => _delivery.IsConnected;

    /// <summary>What the client has done so far.</summary>
    public TapClientCounters Counters => new()
    {
        ExecutionsStarted = Interlocked.Read(ref _counters.ExecutionsStarted),
        ExecutionsDropped = Interlocked.Read(ref _counters.ExecutionsDropped),
        ExecutionsAcknowledged = Interlocked.Read(ref _counters.ExecutionsAcknowledged),
        FramesQueued = _counters.FramesQueued.Read(),
        FramesWritten = Interlocked.Read(ref _counters.FramesWritten),
        FramesReplayed = Interlocked.Read(ref _counters.FramesReplayed),
        FramesDropped = Interlocked.Read(ref _counters.FramesDropped),
        BytesWritten = Interlocked.Read(ref _counters.BytesWritten),
        BufferedBytes = _buffer.Bytes,
        Connects = Interlocked.Read(ref _counters.Connects),
        ConnectFailures = Interlocked.Read(ref _counters.ConnectFailures),
        IsConnected = IsConnected,
        SpoolBytes = Interlocked.Read(ref _counters.SpoolBytes),
        FramesSpilled = Interlocked.Read(ref _counters.FramesSpilled),
        FramesReadFromSpool = Interlocked.Read(ref _counters.FramesReadFromSpool),
        ExecutionsAdopted = Interlocked.Read(ref _counters.ExecutionsAdopted),
        SpoolCorruptSegments = Interlocked.Read(ref _counters.SpoolCorruptSegments),
        LossReportsAcknowledged = Interlocked.Read(ref _counters.LossReportsAcknowledged),
    };

    /// <summary>The process-wide cap on drains after client aborts.</summary>
    internal DrainGate Drains { get; }

    /// <summary>The drain gate when the route is drained, else null.</summary>
    internal DrainGate? DrainFor(string? route) => _options.Drain.Drains(route) ? Drains : null;

    /// <summary>Starts reporting one upstream attempt. Never throws for I/O reasons; a full buffer drops the execution and counts it.</summary>
    public TapExecution StartExecution(TapExecutionInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return StartExecution(info, info.Attempt, info.Provider, info.RequestPath, info.TraceParent, info.TraceState);
    }

    /// <summary>
    /// An attempt of a request the attach point described once (YARP): what differs per attempt is given apart, so that
    /// no second <see cref="TapExecutionInfo"/> is built per attempt.
    /// </summary>
    internal TapExecution StartExecution(TapExecutionInfo request, int attempt, string? provider, string? requestPath, string? traceParent, string? traceState)
    {
        var writer = new ExecutionWriter(_outbox, ExecutionIds.NewVersion7(_time.GetUtcNow()));
        Interlocked.Increment(ref _counters.ExecutionsStarted);
        var body = _options.ForwardRequestBodies ? request.RequestBody.Span : default;
        writer.Start(new StartFields
        {
            RequestId = request.RequestId,
            Attempt = attempt,
            ApiFormat = ToWire(request.Format),
            Route = request.Route,
            Provider = provider,
            RequestedModel = request.RequestedModel,
            Stream = request.Stream,
            RequestPath = requestPath,
            RequestBody = body[..Math.Min(body.Length, _maxRequestBody)],
            RequestBodyTruncated = body.Length > _maxRequestBody,
            TraceParent = TraceContext.Bounded(traceParent, ProtocolConstants.MaxTraceParentChars),
            TraceState = TraceContext.Bounded(traceState, ProtocolConstants.MaxTraceStateChars),
        });
        return new TapExecution(writer);
    }

    /// <summary>
    /// Waits until every frame reported before the call has left the buffer: written to the sidecar or to the spool, or
    /// dropped. Returns false when <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var target = _counters.FramesQueued.Read();
        var deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        while (Interlocked.Read(ref _counters.FramesSettled) < target)
        {
            if (_time.GetTimestamp() >= deadline || cancellationToken.IsCancellationRequested || _writer.IsCompleted)
            {
                return false;
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Writes what is buffered for up to <see cref="TapClientOptions.ShutdownTimeout"/>, abandons a write the sidecar does
    /// not take by then, leaves what is not acknowledged in the spool, and closes. Idempotent.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _outbox.Close();

        try
        {
            await FlushAsync(_options.ShutdownTimeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _buffer.Complete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // Executions that staged frames after the loop's last look: the loop is gone, so their segments are free.
        var retired = new List<byte[]>();
        while (_buffer.Reader.TryRead(out var writer))
        {
            writer.Take([], retired);
        }

        foreach (var segment in retired)
        {
            _buffer.Release(segment);
        }

        _stopping.Dispose();
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private HelloMessage CreateHello() => new()
    {
        ProtocolVersion = ProtocolConstants.Version,
        ProcessName = _processName,
        ProcessId = _processId,
        HostName = Environment.MachineName,
        GatewayName = _options.GatewayName ?? _processName,
        ShimVersion = typeof(TapClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
        DroppedExecutions = Interlocked.Read(ref _counters.ExecutionsDropped),
        InstanceId = _instanceId,
    };

    private static string? ToWire(TapApiFormat format) => format switch
    {
        TapApiFormat.OpenAIChatCompletions => ApiFormats.OpenAIChat,
        TapApiFormat.OpenAIResponses => ApiFormats.OpenAIResponses,
        TapApiFormat.AnthropicMessages => ApiFormats.AnthropicMessages,
        TapApiFormat.Gemini => ApiFormats.Gemini,
        TapApiFormat.BedrockConverse => ApiFormats.BedrockConverse,
        TapApiFormat.BedrockInvokeAnthropic => ApiFormats.BedrockInvokeAnthropic,
        _ => null,
    };
}
