using System.Diagnostics;
using System.Runtime.Versioning;

namespace Tap.Sidecar.Service;

/// <summary>Writes or removes the systemd unit, or runs the sc.exe calls on Windows.</summary>
internal static class ServiceInstaller
{
    public static void WriteUnit(string unitPath, string unit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(unitPath);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(unitPath))!);
        File.WriteAllText(unitPath, unit);
    }

    /// <summary>Removes the unit and the link <c>systemctl enable</c> made beside it; false when there was no unit.</summary>
    public static bool RemoveUnit(string unitPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(unitPath);
        var wanted = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(unitPath))!, "multi-user.target.wants", Path.GetFileName(unitPath));
        if (File.Exists(wanted) || new FileInfo(wanted).LinkTarget is not null)
        {
            File.Delete(wanted);
        }

        if (!File.Exists(unitPath))
        {
            return false;
        }

        File.Delete(unitPath);
        return true;
    }

    /// <summary>Runs each sc.exe call in order; stops at the first that fails and returns its exit code.</summary>
    [SupportedOSPlatform("windows")]
    public static int RunSc(IReadOnlyList<IReadOnlyList<string>> calls, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(output);
        foreach (var call in calls)
        {
            var start = new ProcessStartInfo("sc.exe") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in call)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            output.Write(process.StandardOutput.ReadToEnd());
            output.Write(process.StandardError.ReadToEnd());
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                return process.ExitCode;
            }
        }

        return 0;
    }
}
