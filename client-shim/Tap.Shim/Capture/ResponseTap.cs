namespace Tap.Shim.Capture;

/// <summary>
/// Turns what happens to one upstream response body into the execution's signals, each at most once. With
/// <see cref="DeferFailures"/>, read failures are only remembered: the attach point (YARP) knows better than
/// the read whether the client left or the upstream failed, and says so in <see cref="Complete"/>.
/// </summary>
internal sealed class ResponseTap(TapExecution execution, bool deferFailures, UpstreamCancellation? upstream = null)
{
    private int _upstreamEnded;
    private int _failed;
    private int _ended;
    private int _draining;
    private int _endRequested;

    public TapExecution Execution { get; } = execution;

    public bool DeferFailures { get; } = deferFailures;

    public bool UpstreamEnded => Volatile.Read(ref _upstreamEnded) != 0;

    public bool IsDraining => Volatile.Read(ref _draining) != 0;

    /// <summary>The first read failure, when failures are deferred.</summary>
    public Exception? PendingFailure { get; private set; }

    public void Data(ReadOnlySpan<byte> data) => Execution.Chunk(data);

    public void EndOfStream()
    {
        if (Interlocked.Exchange(ref _upstreamEnded, 1) == 0)
        {
            Execution.UpstreamEnd();
        }
    }

    public void ReadFailed(Exception exception, bool callerCanceled)
    {
        if (DeferFailures)
        {
            PendingFailure ??= exception;
            return;
        }

        Fail(exception, callerCanceled);
    }

    public void Fail(Exception exception, bool clientAborted)
    {
        if (UpstreamEnded || Interlocked.Exchange(ref _failed, 1) != 0)
        {
            return;
        }

        if (clientAborted)
        {
            Execution.ClientAborted();
        }
        else
        {
            Execution.UpstreamError(UpstreamErrors.Classify(exception), exception.Message);
        }
    }

    /// <summary>The body was disposed: the proxy is done with it (unless failures are deferred to <see cref="Complete"/>).</summary>
    public void Disposed()
    {
        if (!DeferFailures)
        {
            End();
        }
    }

    /// <summary>
    /// The exchange is over and the attach point knows how: a failure it saw (or the read failure held back),
    /// or a client that left. Then the execution ends.
    /// </summary>
    public void Complete(Exception? failure, bool clientAborted)
    {
        if ((failure ?? PendingFailure) is { } error)
        {
            Fail(error, clientAborted);
        }
        else if (clientAborted)
        {
            Fail(new OperationCanceledException("The client aborted the request."), clientAborted: true);
        }

        End();
    }

    public void End()
    {
        // A drain outlives the proxy's interest in the response: the execution ends when the drain does.
        if (Volatile.Read(ref _draining) != 0)
        {
            Volatile.Write(ref _endRequested, 1);
            return;
        }

        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            upstream?.Dispose();
            Execution.End();
        }
    }

    /// <summary>The client left: say so now, and keep the execution open while the drain reads on.</summary>
    public void BeginDrain(Exception clientLeft)
    {
        Fail(clientLeft, clientAborted: true);
        Volatile.Write(ref _draining, 1);
        Execution.DrainStarted();
    }

    public void DrainFinished()
    {
        Volatile.Write(ref _draining, 0);
        End();
    }
}
