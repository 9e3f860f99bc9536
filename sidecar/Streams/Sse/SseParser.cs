using System.Text;
using System.Text.Unicode;

namespace Tap.Sidecar.Streams.Sse;

/// <summary>
/// Incremental Server-Sent Events parser following the WHATWG event-stream interpretation
/// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation). Bytes may be
/// cut anywhere, including inside a UTF-8 sequence or between CR and LF. Memory is bounded by the line and
/// event limits; past a limit or on invalid UTF-8 the parser faults and stops dispatching, but keeps counting.
/// </summary>
internal sealed class SseParser : IEventFramer
{
    public const int DefaultMaxLineBytes = 1024 * 1024;
    public const int DefaultMaxEventDataBytes = 4 * 1024 * 1024;

    private readonly Action<SseEvent> _onEvent;
    private readonly SseLineReader _lines;
    private readonly BoundedByteBuffer _data;
    private readonly int _maxLineBytes;
    private readonly int _maxEventDataBytes;
    private bool _completed;
    private string _eventType = "";
    private string? _lastEventId;

    public SseParser(
        Action<SseEvent> onEvent,
        int maxLineBytes = DefaultMaxLineBytes,
        int maxEventDataBytes = DefaultMaxEventDataBytes)
    {
        ArgumentNullException.ThrowIfNull(onEvent);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLineBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEventDataBytes);
        _onEvent = onEvent;
        _maxLineBytes = maxLineBytes;
        _maxEventDataBytes = maxEventDataBytes;
        _lines = new SseLineReader(maxLineBytes);
        // Every data line also adds the line feed that joins it to the next; the last one is dropped at dispatch.
        _data = new BoundedByteBuffer(maxEventDataBytes + 1);
    }

    public long EventCount { get; private set; }

    public long CommentCount { get; private set; }

    public long ByteCount { get; private set; }

    /// <summary>The last valid <c>retry</c> field, in milliseconds.</summary>
    public int? RetryMilliseconds { get; private set; }

    public SseFault? Fault { get; private set; }

    /// <summary>The stream ended inside a line, so its last event cannot be trusted and was not dispatched.</summary>
    public bool Truncated { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        ByteCount += bytes.Length;
        if (Fault is not null || _completed)
        {
            return;
        }

        while (Fault is null && _lines.TryReadLine(ref bytes, out var line))
        {
            ProcessLine(line);
        }

        if (_lines.LineTooLong)
        {
            Fault ??= new SseFault("line_too_long", $"A line exceeds {_maxLineBytes} bytes.");
        }
    }

    /// <summary>The stream ended cleanly.</summary>
    public void Complete()
    {
        if (_completed || Fault is not null)
        {
            _completed = true;
            return;
        }

        _completed = true;
        if (_lines.HasPartialLine)
        {
            Truncated = true;
            return;
        }

        // The spec drops an event that no blank line follows, but providers end streams with a lone
        // "data: [DONE]\n"; an event whose every line was terminated is whole, so it is dispatched.
        Dispatch();
    }

    private void ProcessLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            Dispatch();
            return;
        }

        if (line[0] == (byte)':')
        {
            CommentCount++;
            return;
        }

        var colon = line.IndexOf((byte)':');
        var name = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? default : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (name.SequenceEqual("data"u8))
        {
            if (!_data.TryAppend(value) || !_data.TryAppend((byte)'\n'))
            {
                Fault = new SseFault("line_too_long", $"An event's data exceeds {_maxEventDataBytes} bytes.");
            }
        }
        else if (name.SequenceEqual("event"u8))
        {
            _eventType = Decode(value) ?? "";
        }
        else if (name.SequenceEqual("id"u8))
        {
            if (value.IndexOf((byte)0) < 0)
            {
                _lastEventId = Decode(value);
            }
        }
        else if (name.SequenceEqual("retry"u8))
        {
            if (!value.IsEmpty && value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0
                && int.TryParse(value, out var retry))
            {
                RetryMilliseconds = retry;
            }
        }
    }

    private void Dispatch()
    {
        if (_data.Length == 0)
        {
            _eventType = "";
            return;
        }

        var data = _data.Span[..^1];
        if (!IsValid(data))
        {
            return;
        }

        var sseEvent = new SseEvent(_eventType.Length == 0 ? "message" : _eventType, data.ToArray(), _lastEventId);
        _data.Clear();
        _eventType = "";
        EventCount++;
        _onEvent(sseEvent);
    }

    private string? Decode(ReadOnlySpan<byte> utf8) => IsValid(utf8) ? Encoding.UTF8.GetString(utf8) : null;

    private bool IsValid(ReadOnlySpan<byte> utf8)
    {
        if (Utf8.IsValid(utf8))
        {
            return true;
        }

        Fault = new SseFault("invalid_utf8", "The stream is not valid UTF-8.");
        return false;
    }
}
