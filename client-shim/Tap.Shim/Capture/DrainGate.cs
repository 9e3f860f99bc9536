namespace Tap.Shim.Capture;

/// <summary>The process-wide cap on drains running at once; over it, a drain does not start at all.</summary>
internal sealed class DrainGate(TapDrainOptions options)
{
    private int _running;

    public TapDrainOptions Options { get; } = options;

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _running) <= Options.MaxConcurrent)
        {
            return true;
        }

        Interlocked.Decrement(ref _running);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _running);
}
