namespace Tap.Shim.Capture;

/// <summary>
/// The proxy's cancellation, as the upstream request sees it. Until the response head arrives it cancels the
/// upstream as usual; after that it is detached, because HttpClient would otherwise abort the upstream
/// connection the moment the client leaves and there would be nothing left to drain. Reads of the body still
/// honor the proxy's token through the tap's stream.
/// </summary>
internal sealed class UpstreamCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly CancellationTokenRegistration _registration;

    public UpstreamCancellation(CancellationToken proxyToken) =>
        _registration = proxyToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _source);

    public CancellationToken Token => _source.Token;

    public void Detach() => _registration.Dispose();

    public void Dispose()
    {
        _registration.Dispose();
        _source.Dispose();
    }
}
