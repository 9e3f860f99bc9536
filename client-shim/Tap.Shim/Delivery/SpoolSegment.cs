using Microsoft.Win32.SafeHandles;

namespace Tap.Shim.Delivery;

/// <summary>One append-only segment file of the spool, with the number of unacknowledged executions that have frames in it.</summary>
internal sealed class SpoolSegment(FileStream file)
{
    public string Path => file.Name;

    public SafeFileHandle Handle => file.SafeFileHandle;

    /// <summary>Bytes of whole records; what follows (a write that failed) is cut off.</summary>
    public long Length { get; set; }

    /// <summary>Executions with at least one frame here that are neither acknowledged nor dropped.</summary>
    public int Live { get; set; }

    public void Close() => file.Dispose();

    public void Delete()
    {
        file.Dispose();
        SpoolFolder.TryDelete(Path);
    }
}
