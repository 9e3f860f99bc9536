namespace Tap.Benchmarks.Hosts;

/// <summary>Unique pipe names and temporary folders, so runs never share a socket or a database.</summary>
internal static class Endpoints
{
    public static string UniquePipeName() => "tap-bench-" + Guid.NewGuid().ToString("N")[..16];

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
