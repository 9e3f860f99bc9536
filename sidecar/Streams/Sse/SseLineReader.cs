namespace Tap.Sidecar.Streams.Sse;

/// <summary>
/// Cuts an event stream into lines: skips a leading UTF-8 BOM, accepts CRLF, LF and CR line ends (a CR ending
/// one chunk and an LF starting the next are one line end) and buffers a line that spans chunks, up to a limit.
/// </summary>
internal sealed class SseLineReader(int maxLineBytes)
{
    private readonly BoundedByteBuffer _line = new(maxLineBytes);
    private int _bomBytesSeen;
    private bool _bomResolved;
    private bool _pendingLf;
    private bool _lineReturnedFromBuffer;

    /// <summary>A line passed the limit; nothing more is read.</summary>
    public bool LineTooLong { get; private set; }

    /// <summary>Bytes of a line that has not ended yet are buffered.</summary>
    public bool HasPartialLine => _line.Length > 0 || (!_bomResolved && _bomBytesSeen > 0);

    /// <summary>
    /// Reads the next complete line from <paramref name="bytes"/>, consuming it; false when the rest of the input
    /// was buffered as a partial line. The line is valid only until the next call.
    /// </summary>
    public bool TryReadLine(ref ReadOnlySpan<byte> bytes, out ReadOnlySpan<byte> line)
    {
        line = default;
        if (_lineReturnedFromBuffer)
        {
            _line.Clear();
            _lineReturnedFromBuffer = false;
        }

        if (!_bomResolved)
        {
            bytes = SkipBom(bytes);
        }

        while (!bytes.IsEmpty && !LineTooLong)
        {
            if (_pendingLf)
            {
                _pendingLf = false;
                if (bytes[0] == (byte)'\n')
                {
                    bytes = bytes[1..];
                    continue;
                }
            }

            var end = bytes.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                Buffer(bytes);
                bytes = default;
                return false;
            }

            var text = bytes[..end];
            var endsWithCr = bytes[end] == (byte)'\r';
            bytes = bytes[(end + 1)..];
            if (endsWithCr)
            {
                if (bytes.IsEmpty)
                {
                    _pendingLf = true;
                }
                else if (bytes[0] == (byte)'\n')
                {
                    bytes = bytes[1..];
                }
            }

            if (_line.Length == 0 && text.Length <= maxLineBytes)
            {
                line = text;
                return true;
            }

            if (Buffer(text))
            {
                line = _line.Span;
                _lineReturnedFromBuffer = true;
                return true;
            }
        }

        return false;
    }

    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    private ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> bytes)
    {
        while (_bomBytesSeen < Bom.Length && !bytes.IsEmpty && bytes[0] == Bom[_bomBytesSeen])
        {
            _bomBytesSeen++;
            bytes = bytes[1..];
        }

        if (_bomBytesSeen == Bom.Length)
        {
            _bomResolved = true;
        }
        else if (!bytes.IsEmpty)
        {
            // A BOM prefix followed by something else was the start of the first line after all.
            _bomResolved = true;
            Buffer(Bom[.._bomBytesSeen]);
        }

        return bytes;
    }

    private bool Buffer(ReadOnlySpan<byte> bytes)
    {
        if (!_line.TryAppend(bytes))
        {
            LineTooLong = true;
        }

        return !LineTooLong;
    }
}
