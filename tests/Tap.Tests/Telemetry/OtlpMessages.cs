using Google.Protobuf;

namespace Tap.Tests.Telemetry;

/// <summary>A span as an OTLP receiver decoded it, with its resource and instrumentation scope.</summary>
internal sealed record ReceivedSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string TraceState,
    string Name,
    int Kind,
    ulong StartNanos,
    ulong EndNanos,
    IReadOnlyDictionary<string, object?> Attributes,
    int StatusCode,
    string StatusMessage,
    IReadOnlyDictionary<string, object?> Resource,
    string ScopeName,
    string ScopeSchemaUrl);

/// <summary>
/// Decodes an <c>ExportTraceServiceRequest</c> by hand from the OTLP protobuf definitions
/// (opentelemetry-proto: collector/trace/v1/trace_service.proto, trace/v1/trace.proto, common/v1/common.proto,
/// resource/v1/resource.proto), only the fields the tests read; unknown fields are skipped as protobuf requires.
/// </summary>
internal static class OtlpMessages
{
    public static List<ReceivedSpan> DecodeExportTraceServiceRequest(byte[] payload)
    {
        var spans = new List<ReceivedSpan>();
        ForEachField(payload, (field, input) =>
        {
            if (field == 1)
            {
                ResourceSpans(input.ReadBytes(), spans);
                return true;
            }

            return false;
        });
        return spans;
    }

    private static void ResourceSpans(ByteString message, List<ReceivedSpan> spans)
    {
        var resource = new Dictionary<string, object?>();
        var scopes = new List<ByteString>();
        ForEachField(message, (field, input) =>
        {
            switch (field)
            {
                case 1:
                    ForEachField(input.ReadBytes(), (f, r) => f == 1 && Attribute(r.ReadBytes(), resource));
                    return true;
                case 2:
                    scopes.Add(input.ReadBytes());
                    return true;
                default:
                    return false;
            }
        });

        foreach (var scope in scopes)
        {
            ScopeSpans(scope, resource, spans);
        }
    }

    private static void ScopeSpans(ByteString message, Dictionary<string, object?> resource, List<ReceivedSpan> spans)
    {
        string scopeName = "", schemaUrl = "";
        var raw = new List<ByteString>();
        ForEachField(message, (field, input) =>
        {
            switch (field)
            {
                case 1:
                    ForEachField(input.ReadBytes(), (f, r) =>
                    {
                        if (f != 1)
                        {
                            return false;
                        }

                        scopeName = r.ReadString();
                        return true;
                    });
                    return true;
                case 2:
                    raw.Add(input.ReadBytes());
                    return true;
                case 3:
                    schemaUrl = input.ReadString();
                    return true;
                default:
                    return false;
            }
        });

        spans.AddRange(raw.Select(span => Span(span, resource, scopeName, schemaUrl)));
    }

    private static ReceivedSpan Span(ByteString message, Dictionary<string, object?> resource, string scopeName, string schemaUrl)
    {
        string traceId = "", spanId = "", parent = "", state = "", name = "", statusMessage = "";
        int kind = 0, statusCode = 0;
        ulong start = 0, end = 0;
        var attributes = new Dictionary<string, object?>();
        ForEachField(message, (field, input) =>
        {
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(input.ReadBytes().Span); return true;
                case 2: spanId = Convert.ToHexStringLower(input.ReadBytes().Span); return true;
                case 3: state = input.ReadString(); return true;
                case 4: parent = Convert.ToHexStringLower(input.ReadBytes().Span); return true;
                case 5: name = input.ReadString(); return true;
                case 6: kind = input.ReadEnum(); return true;
                case 7: start = input.ReadFixed64(); return true;
                case 8: end = input.ReadFixed64(); return true;
                case 9: return Attribute(input.ReadBytes(), attributes);
                case 15:
                    ForEachField(input.ReadBytes(), (f, r) =>
                    {
                        switch (f)
                        {
                            case 2: statusMessage = r.ReadString(); return true;
                            case 3: statusCode = r.ReadEnum(); return true;
                            default: return false;
                        }
                    });
                    return true;
                default:
                    return false;
            }
        });
        return new ReceivedSpan(traceId, spanId, parent, state, name, kind, start, end, attributes, statusCode, statusMessage, resource, scopeName, schemaUrl);
    }

    private static bool Attribute(ByteString keyValue, Dictionary<string, object?> into)
    {
        string key = "";
        object? value = null;
        ForEachField(keyValue, (field, input) =>
        {
            switch (field)
            {
                case 1: key = input.ReadString(); return true;
                case 2: value = AnyValue(input.ReadBytes()); return true;
                default: return false;
            }
        });
        into[key] = value;
        return true;
    }

    private static object? AnyValue(ByteString message)
    {
        object? value = null;
        ForEachField(message, (field, input) =>
        {
            switch (field)
            {
                case 1: value = input.ReadString(); return true;
                case 2: value = input.ReadBool(); return true;
                case 3: value = input.ReadInt64(); return true;
                case 4: value = input.ReadDouble(); return true;
                case 5:
                    var items = new List<object?>();
                    ForEachField(input.ReadBytes(), (f, r) =>
                    {
                        if (f != 1)
                        {
                            return false;
                        }

                        items.Add(AnyValue(r.ReadBytes()));
                        return true;
                    });
                    value = items.ToArray();
                    return true;
                default:
                    return false;
            }
        });
        return value;
    }

    /// <summary>Calls <paramref name="read"/> for each field; a field it does not read (false) is skipped.</summary>
    private static void ForEachField(ByteString message, Func<int, CodedInputStream, bool> read) => ForEachField(message.ToByteArray(), read);

    private static void ForEachField(byte[] message, Func<int, CodedInputStream, bool> read)
    {
        var input = new CodedInputStream(message);
        while (input.ReadTag() is var tag and not 0)
        {
            if (!read(WireFormat.GetTagFieldNumber(tag), input))
            {
                input.SkipLastField();
            }
        }
    }
}
