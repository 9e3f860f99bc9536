using System.IO.Hashing;
using Tap.Shim.Diagnostics;

namespace Tap.Shim.Delivery;

/// <summary>
/// The spool's segments, written by the delivery loop only (never on a proxy thread). Frames are appended with explicit
/// offsets (one gathered write per frame, no copy); a segment is deleted once no unacknowledged execution has a frame
/// in it, the one being written is cut back to empty instead. A failed write (full disk) is cut off, so a segment
/// holds whole records only, and reported as a value, never thrown.
/// </summary>
internal sealed class DiskSpool : IDisposable
{
    private readonly SpoolFolder _folder;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly ShimCounters _counters;
    private readonly List<SpoolSegment> _segments = [];
    private readonly byte[] _header = new byte[SpoolRecord.HeaderBytes];
    private readonly ReadOnlyMemory<byte>[] _parts = new ReadOnlyMemory<byte>[2];
    private readonly Crc32 _crc = new();
    private SpoolSegment? _current;
    private long _next;
    private long _bytes;

    private DiskSpool(SpoolFolder folder, long maxBytes, ShimCounters counters)
    {
        _folder = folder;
        _maxBytes = maxBytes;
        _segmentBytes = Math.Clamp(maxBytes / 16, 64 * 1024, 64 * 1024 * 1024);
        _counters = counters;
    }

    public long Bytes => _bytes;

    public long MaxBytes => _maxBytes;

    /// <summary>Where the next record goes: what <see cref="CutBack"/> returns to when a spill fails half way.</summary>
    public (SpoolSegment? Segment, long Length) Position => (_current, _current?.Length ?? 0);

    public string Path => _folder.Path;

    /// <summary>The spool in its folder, or null (memory only, with a diagnostic) when the folder cannot be used.</summary>
    public static DiskSpool? Open(string path, string owner, long maxBytes, ShimCounters counters)
    {
        try
        {
            return new DiskSpool(SpoolFolder.Open(path, owner), maxBytes, counters);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            ShimEventSource.Log.SpoolUnavailable(path, ex.Message);
            return null;
        }
    }

    /// <summary>Segments left by processes that are gone, now this spool's, in replay order.</summary>
    public List<SpoolSegment> ClaimOrphans()
    {
        var claimed = new List<SpoolSegment>();
        try
        {
            foreach (var path in _folder.ClaimOrphans(ref _next))
            {
                var segment = new SpoolSegment(SpoolFolder.OpenSegment(path));
                segment.Length = RandomAccess.GetLength(segment.Handle);
                _segments.Add(segment);
                claimed.Add(segment);
                AddBytes(segment.Length);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ShimEventSource.Log.SpoolUnavailable(_folder.Path, ex.Message);
        }

        return claimed;
    }

    /// <summary>Starts a new segment when the current one is full, so one spill of an execution stays in one segment.</summary>
    public void BeginEntry()
    {
        if (_current is { } current && current.Length >= _segmentBytes)
        {
            _current = null;
            if (current.Live == 0)
            {
                Remove(current);
            }
        }
    }

    /// <summary>Appends the entry's frame at <paramref name="index"/>, from memory.</summary>
    public SpoolWrite Append(LedgerEntry entry, int index)
    {
        ref var frame = ref entry.FrameSpan[index];
        var size = SpoolRecord.HeaderBytes + frame.Length;
        if (_bytes + size > _maxBytes)
        {
            return SpoolWrite.Full;
        }

        SpoolSegment segment;
        try
        {
            segment = _current ??= NewSegment();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ShimEventSource.Log.SpoolWriteFailed(ex.Message);
            return SpoolWrite.Failed;
        }

        var data = frame.Buffer.AsMemory(frame.BufferOffset, frame.Length);
        var flags = (byte)((index == 0 ? SpoolRecord.Start : 0) | (frame.IsEnd ? SpoolRecord.End : 0) | (entry.IsReport ? SpoolRecord.Report : 0));
        SpoolRecord.WriteHeader(_header, _crc, flags, entry.IdBytes, data.Span);
        _parts[0] = _header;
        _parts[1] = data;
        try
        {
            RandomAccess.Write(segment.Handle, _parts, segment.Length);
        }
        catch (IOException ex)
        {
            // ENOSPC may leave part of the record behind: cut it off so the segment holds whole records only.
            Cut(segment, segment.Length);
            ShimEventSource.Log.SpoolWriteFailed(ex.Message);
            return SpoolWrite.Failed;
        }
        finally
        {
            _parts[1] = default;
        }

        frame.Segment = segment;
        frame.Offset = segment.Length + SpoolRecord.HeaderBytes;
        segment.Length += size;
        AddBytes(size);
        Reference(entry, segment);
        Interlocked.Increment(ref _counters.FramesSpilled);
        return SpoolWrite.Appended;
    }

    /// <summary>Removes what was appended since <paramref name="position"/>, once the executions it belonged to are dropped.</summary>
    public void CutBack((SpoolSegment? Segment, long Length) position)
    {
        if (position.Segment is { } segment && segment == _current && segment.Length > position.Length)
        {
            Cut(segment, position.Length);
        }
    }

    /// <summary>Counts the entry in the segment once (its frames go to segments in order).</summary>
    public static void Reference(LedgerEntry entry, SpoolSegment segment)
    {
        entry.DiskFrames++;
        if (entry.LastSegment != segment)
        {
            segment.Live++;
            entry.LastSegment = segment;
        }
    }

    /// <summary>Reads a frame back; false when the disk fails it.</summary>
    public static bool Read(in LedgerFrame frame, Span<byte> destination)
    {
        try
        {
            return RandomAccess.Read(frame.Segment!.Handle, destination[..frame.Length], frame.Offset) == frame.Length;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            ShimEventSource.Log.SpoolWriteFailed(ex.Message);
            return false;
        }
    }

    /// <summary>The entry is acknowledged or dropped: segments no live execution uses any more are freed.</summary>
    public void Release(LedgerEntry entry)
    {
        SpoolSegment? previous = null;
        foreach (ref var frame in entry.FrameSpan)
        {
            if (frame.Segment is { } segment && segment != previous)
            {
                previous = segment;
                if (--segment.Live == 0)
                {
                    Remove(segment);
                }
            }

            frame.Segment = null;
        }

        entry.LastSegment = null;
        entry.DiskFrames = 0;
    }

    /// <summary>Frees a segment with no live execution (adopted ones whose every record was unreadable, too).</summary>
    public void Remove(SpoolSegment segment)
    {
        if (segment == _current)
        {
            Cut(segment, 0);
            return;
        }

        AddBytes(-segment.Length);
        segment.Length = 0;
        segment.Delete();
        _segments.Remove(segment);
    }

    /// <summary>Closes every segment; those with executions in them stay for the next process on this folder.</summary>
    public void Dispose()
    {
        foreach (var segment in _segments)
        {
            if (segment.Live == 0)
            {
                segment.Delete();
            }
            else
            {
                segment.Close();
            }
        }

        _segments.Clear();
        _current = null;
        _folder.Dispose();
        Interlocked.Exchange(ref _counters.SpoolBytes, 0);
    }

    private SpoolSegment NewSegment()
    {
        var segment = new SpoolSegment(_folder.CreateSegment(_next++));
        _segments.Add(segment);
        return segment;
    }

    private void Cut(SpoolSegment segment, long length)
    {
        try
        {
            RandomAccess.SetLength(segment.Handle, length);
        }
        catch (IOException)
        {
            // Shrinking needs no space; if even that fails, the next write at this offset overwrites the rest.
        }

        AddBytes(length - segment.Length);
        segment.Length = length;
    }

    private void AddBytes(long delta)
    {
        _bytes += delta;
        Interlocked.Exchange(ref _counters.SpoolBytes, _bytes);
    }
}
