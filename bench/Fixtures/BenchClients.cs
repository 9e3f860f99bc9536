using Tap.Shim;

namespace Tap.Benchmarks.Fixtures;

/// <summary>Creates shims connected to a pipe, waiting until the handshake is done so that no measurement includes connecting.</summary>
internal static class BenchClients
{
    public static async Task<TapClient> ConnectAsync(string pipe, long maxBufferedBytes = 16 * 1024 * 1024)
    {
        var client = new TapClient(new TapClientOptions { Endpoint = pipe, MaxBufferedBytes = maxBufferedBytes, GatewayName = "bench", Spool = { Mode = TapSpoolMode.Off } });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!client.IsConnected)
        {
            if (DateTime.UtcNow > deadline)
            {
                await client.DisposeAsync();
                throw new TimeoutException($"The shim did not connect to {pipe}.");
            }

            await Task.Delay(10);
        }

        return client;
    }
}
