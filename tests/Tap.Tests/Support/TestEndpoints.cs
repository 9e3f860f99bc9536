namespace Tap.Tests.Support;

/// <summary>Unique pipe names, so tests never share a socket.</summary>
internal static class TestEndpoints
{
    public static string UniquePipeName() => "tap-test-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago, for a server that must be told its port before it starts.</summary>
    public static int FreeTcpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
