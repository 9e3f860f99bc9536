using Microsoft.Extensions.Logging;

namespace Tap.Sidecar.Hosting;

/// <summary>
/// Keeps the host from logging a failed start (event 11, HostingFailedToStart: some 50 lines of stack trace) while
/// <c>tap serve</c> starts: it prints the reason itself, in one line. Once started, the host's errors (a faulted
/// background service, a failed stop) are logged as usual.
/// </summary>
internal sealed class StartFailureLog
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private volatile bool _starting = true;

    public void AddTo(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.AddFilter(HostCategory, level => level >= LogLevel.Information && !(_starting && level >= LogLevel.Error));
    }

    public void StartEnded() => _starting = false;
}
