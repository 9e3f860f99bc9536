namespace Tap.Soak.Hosts;

/// <summary>Where the hosts' builds are: copied beside the harness by its project references, unless the run names a published <c>tap</c>.</summary>
internal static class Binaries
{
    public static string Tap => Beside("tap.dll");

    public static string Gateway => Beside("tap-sample-gateway.dll");

    public static string Provider => Beside("tap-fake-provider.dll");

    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    private static string Beside(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{file} is not beside the harness; build tests/Tap.Soak first.", path);
    }
}
