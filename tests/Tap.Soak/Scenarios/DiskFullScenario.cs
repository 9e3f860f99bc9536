using System.Diagnostics;
using System.Globalization;

namespace Tap.Soak.Scenarios;

/// <summary>
/// <c>diskfull</c>: the database on a real tmpfs. At the fault the tmpfs is shrunk to just above what it holds, so the
/// sidecar's next writes find the disk full; after the fault it is enlarged again (<c>mount -o remount,size=</c>). Needs root.
/// </summary>
internal sealed class DiskFullScenario : IScenario
{
    private const string LargeSize = "512m";

    // Room for a few LiteDB pages: the writer gets going and then finds the disk full.
    private const long Margin = 64 * 1024;

    private string? _mountPoint;

    public async Task PrepareAsync(SoakFolder folder)
    {
        var mountPoint = Path.Combine(folder.Path, "disk");
        Directory.CreateDirectory(mountPoint);
        if (await RunAsync("mount", "-t", "tmpfs", "-o", "size=" + LargeSize, "tmpfs", mountPoint) != 0)
        {
            throw new InvalidOperationException("diskfull needs root: mount -t tmpfs failed.");
        }

        _mountPoint = mountPoint;
        folder.DatabaseFolder = mountPoint;
    }

    public async Task InjectAsync(FaultContext context)
    {
        await context.WaitUntilAsync(context.Options.FaultAt);
        for (var attempt = 0; ; attempt++)
        {
            var drive = new DriveInfo(_mountPoint!);
            var size = (((drive.TotalSize - drive.AvailableFreeSpace + Margin) / 4096) + 1) * 4096;
            if (await RunAsync("mount", "-o", $"remount,size={size / 1024}k", _mountPoint!) == 0)
            {
                context.Note(string.Create(CultureInfo.InvariantCulture, $"tmpfs shrunk to {size / 1024} KiB (full)"));
                break;
            }

            if (attempt == 10)
            {
                throw new InvalidOperationException("Could not shrink the tmpfs.");
            }
        }

        await context.WaitUntilAsync(context.Options.FaultAt + context.Options.FaultFor);
        if (await RunAsync("mount", "-o", "remount,size=" + LargeSize, _mountPoint!) != 0)
        {
            throw new InvalidOperationException("Could not enlarge the tmpfs.");
        }

        context.Note("tmpfs enlarged to " + LargeSize);
    }

    public async ValueTask DisposeAsync()
    {
        if (_mountPoint is not null)
        {
            await RunAsync("umount", "-l", _mountPoint);
        }
    }

    private static async Task<int> RunAsync(string file, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
