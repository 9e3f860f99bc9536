namespace Tap.Tests.Infrastructure;

/// <summary>Unique pipe names and temp folders, so tests never share a socket or a database.</summary>
internal static class TestEndpoints
{
    public static string UniquePipeName() => "tap-test-" + Guid.NewGuid().ToString("N")[..16];

    public static string NewTempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "tap-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
