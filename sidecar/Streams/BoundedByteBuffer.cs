namespace Tap.Sidecar.Streams;

/// <summary>
/// A growable byte buffer that refuses to grow past a fixed limit, so an upstream that never ends a line or a
/// body cannot make the sidecar hold more than the limit.
/// </summary>
internal sealed class BoundedByteBuffer(int maxLength)
{
    private const int InitialCapacity = 256;

    private byte[] _buffer = [];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>Appends all of <paramref name="bytes"/>, or nothing when that would pass the limit.</summary>
    public bool TryAppend(ReadOnlySpan<byte> bytes)
    {
        var needed = (long)Length + bytes.Length;
        if (needed > maxLength)
        {
            return false;
        }

        if (needed > _buffer.Length)
        {
            var capacity = Math.Min(Math.Max(InitialCapacity, _buffer.Length), maxLength);
            while (capacity < needed)
            {
                capacity = (int)Math.Min((long)capacity * 2, maxLength);
            }

            Array.Resize(ref _buffer, capacity);
        }

        bytes.CopyTo(_buffer.AsSpan(Length));
        Length = (int)needed;
        return true;
    }

    public bool TryAppend(byte value) => TryAppend([value]);

    public void Clear() => Length = 0;
}
