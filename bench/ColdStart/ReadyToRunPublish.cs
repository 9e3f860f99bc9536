using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tap.Benchmarks.ColdStart;

/// <summary>
/// Publishes <c>tap</c> as docs/benchmarks.md tells an operator to (<c>dotnet publish sidecar -c Release -r RID</c>,
/// which turns ReadyToRun on), into a temporary folder, so the benchmark measures the build an operator runs.
/// </summary>
internal static class ReadyToRunPublish
{
    public static async Task<string> PublishAsync(string output)
    {
        var sidecar = Path.Combine(RepositoryRoot(), "sidecar");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "publish", sidecar, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-o", output, "-nologo", "-v", "quiet" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not run dotnet publish.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed: {await stdout}{await stderr}");
        }

        var tap = Path.Combine(output, "tap.dll");
        return File.Exists(tap) ? tap : throw new InvalidOperationException($"dotnet publish wrote no {tap}.");
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Tap.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The cold-start measurement publishes sidecar/ and must run from the repository (Tap.sln not found).");
    }
}
