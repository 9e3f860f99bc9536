using System.Net;
using System.Net.Sockets;

namespace Tap.Soak.Hosts;

/// <summary>A loopback port nothing listens on now: the hosts are separate processes, so the harness chooses their ports.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
