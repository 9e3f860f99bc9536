using System.Net.Sockets;

namespace Tap.Soak.Scenarios;

/// <summary>
/// A Unix-socket relay between the gateway's shim and <c>tap serve</c>, so the harness can cut the shim's connection
/// from outside: the shim's side closes at once, the sidecar's side only after <c>holdStale</c>, as a connection
/// whose far end vanished without a FIN does (the stale connection outlives the shim's reconnect and replay).
/// </summary>
internal sealed class ConnectionRelay : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly string _target;
    private readonly TimeSpan _holdStale;
    private readonly List<Pair> _pairs = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public ConnectionRelay(string path, string target, TimeSpan holdStale)
    {
        _target = target;
        _holdStale = holdStale;
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(16);
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>Cuts every relayed connection; returns how many there were.</summary>
    public int Drop()
    {
        List<Pair> pairs;
        lock (_pairs)
        {
            pairs = [.. _pairs];
            _pairs.Clear();
        }

        foreach (var pair in pairs)
        {
            pair.Cut = true;
            pair.Shim.Close();
            _ = Task.Delay(_holdStale).ContinueWith(_ => pair.Sidecar.Close(), TaskScheduler.Default);
        }

        return pairs.Count;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        Drop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket shim;
            try
            {
                shim = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            var sidecar = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await sidecar.ConnectAsync(new UnixDomainSocketEndPoint(_target), _stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                // The sidecar is away: the shim sees its connection refused, as it would without the relay.
                shim.Close();
                sidecar.Close();
                continue;
            }

            var pair = new Pair(shim, sidecar);
            lock (_pairs)
            {
                _pairs.Add(pair);
            }

            _ = Task.Run(async () =>
            {
                await PumpAsync(shim, sidecar);

                // The shim closed (or was cut): a cut keeps the sidecar's side open for holdStale.
                if (!pair.Cut)
                {
                    sidecar.Close();
                }
            });
            _ = Task.Run(async () =>
            {
                await PumpAsync(sidecar, shim);
                shim.Close();
            });
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // One side was cut or closed: this direction is over.
        }
    }

    private sealed class Pair(Socket shim, Socket sidecar)
    {
        public Socket Shim { get; } = shim;

        public Socket Sidecar { get; } = sidecar;

        public volatile bool Cut;
    }
}
