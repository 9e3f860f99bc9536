namespace Tap.Sidecar.Service;

/// <summary>
/// What is wrong with the executable a unit would run, though it runs: a Debug build, or a file inside a source
/// tree (a <c>.git</c> folder above it), which the next build, checkout or <c>git clean</c> replaces or deletes.
/// </summary>
internal static class InstallWarnings
{
    public static IReadOnlyList<string> For(ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(service);

        // Under the dotnet host the program is tap.dll, the first argument.
        var program = Path.GetFullPath(service.Arguments is [var first, ..] && first.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? first : service.Executable);
        var warnings = new List<string>();
        var folders = Path.GetDirectoryName(program)!.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        if (folders.Any(folder => folder.Equals("Debug", StringComparison.OrdinalIgnoreCase)))
        {
            warnings.Add($"Warning: the unit runs a Debug build ({program}): publish a Release build (docs/operations.md, Packaging) and install from it.");
        }

        for (var folder = new DirectoryInfo(Path.GetDirectoryName(program)!); folder is not null; folder = folder.Parent)
        {
            if (Directory.Exists(Path.Combine(folder.FullName, ".git")) || File.Exists(Path.Combine(folder.FullName, ".git")))
            {
                warnings.Add($"Warning: the unit runs {program}, inside the source tree {folder.FullName}: a rebuild or checkout changes the service under it; install from a published folder such as /opt/tap.");
                break;
            }
        }

        return warnings;
    }
}
