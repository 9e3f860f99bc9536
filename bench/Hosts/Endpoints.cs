namespace Tap.Benchmarks.Hosts;

/// <summary>Unique pipe names and temporary folders, so runs never share a socket or a database.</summary>
internal static class Endpoints
{
    public static string UniquePipeName() => "tap-bench-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreeTcpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string NewTempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "tap-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void DeleteFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a killed child: the temp folder is cleaned by the OS later.
        }
    }
}
