namespace Tap.Sidecar.Store.Files;

/// <summary>
/// A database file for a reader: whole pages only (what LiteDB would crop off, it never sees), and every write
/// refused, so a reading command cannot change a byte whatever LiteDB attempts (a checkpoint on close, marking a
/// damaged file for rebuild).
/// </summary>
internal sealed class ReadOnlyView(FileStream file) : Stream
{
    private readonly long _length = file.Length / DatabaseHeader.PageSize * DatabaseHeader.PageSize;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position { get => file.Position; set => file.Position = value; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var left = _length - file.Position;
        return left <= 0 ? 0 : file.Read(buffer, offset, (int)Math.Min(count, left));
    }

    public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("A reading command never changes the database.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A reading command never changes the database.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }

        base.Dispose(disposing);
    }
}
