using System.Net.Sockets;

namespace Tap.Soak.Hosts;

/// <summary>Waits, from outside, until a host accepts connections: every wait of the harness is bounded.</summary>
internal static class Readiness
{
    public static Task WaitForTcpAsync(HostProcess host, int port, string what) =>
        WaitAsync(host, what, () => Connects(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port)));

    public static Task WaitForUnixSocketAsync(HostProcess host, string path, string what) =>
        WaitAsync(host, what, () => File.Exists(path) && Connects(new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified), new UnixDomainSocketEndPoint(path)));

    private static async Task WaitAsync(HostProcess host, string what, Func<bool> ready)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!ready())
        {
            if (host.HasExited)
            {
                throw new InvalidOperationException($"{what} exited before it listened; see its log in the run folder.");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not listen within 60 s.");
            }

            await Task.Delay(50);
        }
    }

    private static bool Connects(Socket socket, System.Net.EndPoint endPoint)
    {
        using (socket)
        {
            try
            {
                socket.Connect(endPoint);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
