using LiteDB;
using Tap.Sidecar.Pricing;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Store;

/// <summary>
/// <see cref="ExecutionRecord"/> to and from its stored document, written out by hand: LiteDB's reflection mapper boxed
/// every value and looked up its type on every record (docs/benchmarks.md, "Store"). The documents are the ones that mapper
/// wrote, so existing files read as before: each property under its own name (the id as <c>_id</c>), a null left out,
/// lists as arrays, nested types as documents. Reading looks every name up case-insensitively and ignores names it does not
/// know, as the mapper did. A property added to the record must be added here too: RecordBsonTests sets every property
/// by reflection and fails on one this mapping drops.
/// </summary>
internal static class RecordBson
{
    public static BsonDocument ToDocument(ExecutionRecord r)
    {
        var d = new BsonDocument { ["_id"] = r.Id };
        Put(d, "RequestId", r.RequestId);
        d["Attempt"] = r.Attempt;
        d["Client"] = ToDocument(r.Client);
        Put(d, "Route", r.Route);
        Put(d, "Provider", r.Provider);
        Put(d, "Format", r.Format);
        d["FormatInferred"] = r.FormatInferred;
        Put(d, "RequestedModel", r.RequestedModel);
        Put(d, "ResponseModel", r.ResponseModel);
        Put(d, "ResponseId", r.ResponseId);
        Put(d, "Model", r.Model);
        d["Stream"] = r.Stream;
        Put(d, "UpstreamStatus", r.UpstreamStatus);
        Put(d, "ContentType", r.ContentType);
        Put(d, "Status", r.Status);
        Put(d, "Reason", r.Reason);
        Put(d, "Proof", r.Proof);
        d["Rule"] = r.Rule;
        Put(d, "Explanation", r.Explanation);
        Put(d, "ErrorMessage", r.ErrorMessage);
        PutArray(d, "Signals", r.Signals, ToDocument);
        PutArray(d, "Notes", r.Notes, note => note);
        if (r.Usage is { } usage)
        {
            d["Usage"] = ToDocument(usage);
        }

        if (r.Cost is { } cost)
        {
            d["Cost"] = ToDocument(cost);
        }

        PutArray(d, "CostHistory", r.CostHistory, ToDocument);
        Put(d, "FinishReason", r.FinishReason);
        Put(d, "NormalizedFinishReason", r.NormalizedFinishReason);
        d["StartedAt"] = r.StartedAt;
        Put(d, "FirstByteAt", r.FirstByteAt);
        Put(d, "FirstTokenAt", r.FirstTokenAt);
        Put(d, "EndedAt", r.EndedAt);
        Put(d, "LatencyMs", r.LatencyMs);
        Put(d, "TimeToFirstByteMs", r.TimeToFirstByteMs);
        Put(d, "TimeToFirstTokenMs", r.TimeToFirstTokenMs);
        d["ChunkCount"] = r.ChunkCount;
        d["ByteCount"] = r.ByteCount;
        d["EventCount"] = r.EventCount;
        Put(d, "Response", r.Response);
        d["ResponseTruncated"] = r.ResponseTruncated;
        Put(d, "RequestBody", r.RequestBody);
        Put(d, "RequestPath", r.RequestPath);
        PutArray(d, "RawChunks", r.RawChunks, chunk => new BsonDocument { ["OffsetMicros"] = chunk.OffsetMicros, ["Data"] = chunk.Data });
        PutArray(d, "RawSignalOffsetsMicros", r.RawSignalOffsetsMicros, offset => offset);
        d["RawChunksTruncated"] = r.RawChunksTruncated;
        d["RecordedAt"] = r.RecordedAt;
        Put(d, "TraceParent", r.TraceParent);
        Put(d, "TraceState", r.TraceState);
        d["Commit"] = r.Commit;
        return d;
    }

    public static ExecutionRecord FromDocument(BsonDocument d)
    {
        var r = new ExecutionRecord();
        if (d.TryGetValue("_id", out var id) && !id.IsNull)
        {
            r.Id = id.AsGuid;
        }

        r.RequestId = Text(d, "RequestId", r.RequestId);
        r.Attempt = Int(d, "Attempt", r.Attempt);
        r.Client = Document(d, "Client") is { } client ? ClientFrom(client) : r.Client;
        r.Route = Text(d, "Route", r.Route);
        r.Provider = Text(d, "Provider", r.Provider);
        r.Format = Text(d, "Format", r.Format)!;
        r.FormatInferred = Bool(d, "FormatInferred", r.FormatInferred);
        r.RequestedModel = Text(d, "RequestedModel", r.RequestedModel);
        r.ResponseModel = Text(d, "ResponseModel", r.ResponseModel);
        r.ResponseId = Text(d, "ResponseId", r.ResponseId);
        r.Model = Text(d, "Model", r.Model);
        r.Stream = Bool(d, "Stream", r.Stream);
        r.UpstreamStatus = Get(d, "UpstreamStatus", r.UpstreamStatus, v => v.AsInt32);
        r.ContentType = Text(d, "ContentType", r.ContentType);
        r.Status = Text(d, "Status", r.Status)!;
        r.Reason = Text(d, "Reason", r.Reason)!;
        r.Proof = Text(d, "Proof", r.Proof)!;
        r.Rule = Int(d, "Rule", r.Rule);
        r.Explanation = Text(d, "Explanation", r.Explanation)!;
        r.ErrorMessage = Text(d, "ErrorMessage", r.ErrorMessage);
        r.Signals = List(d, "Signals", v => SignalFrom(v.AsDocument)) ?? r.Signals;
        r.Notes = List(d, "Notes", v => v.AsString) ?? r.Notes;
        r.Usage = Document(d, "Usage") is { } usage ? UsageFrom(usage) : r.Usage;
        r.Cost = Document(d, "Cost") is { } cost ? CostFrom(cost) : r.Cost;
        r.CostHistory = List(d, "CostHistory", v => RevisionFrom(v.AsDocument)) ?? r.CostHistory;
        r.FinishReason = Text(d, "FinishReason", r.FinishReason);
        r.NormalizedFinishReason = Text(d, "NormalizedFinishReason", r.NormalizedFinishReason);
        r.StartedAt = Date(d, "StartedAt", r.StartedAt);
        r.FirstByteAt = Get(d, "FirstByteAt", r.FirstByteAt, v => v.AsDateTime);
        r.FirstTokenAt = Get(d, "FirstTokenAt", r.FirstTokenAt, v => v.AsDateTime);
        r.EndedAt = Get(d, "EndedAt", r.EndedAt, v => v.AsDateTime);
        r.LatencyMs = Get(d, "LatencyMs", r.LatencyMs, v => v.AsDouble);
        r.TimeToFirstByteMs = Get(d, "TimeToFirstByteMs", r.TimeToFirstByteMs, v => v.AsDouble);
        r.TimeToFirstTokenMs = Get(d, "TimeToFirstTokenMs", r.TimeToFirstTokenMs, v => v.AsDouble);
        r.ChunkCount = Long(d, "ChunkCount", r.ChunkCount);
        r.ByteCount = Long(d, "ByteCount", r.ByteCount);
        r.EventCount = Long(d, "EventCount", r.EventCount);
        r.Response = Text(d, "Response", r.Response);
        r.ResponseTruncated = Bool(d, "ResponseTruncated", r.ResponseTruncated);
        r.RequestBody = Text(d, "RequestBody", r.RequestBody);
        r.RequestPath = Text(d, "RequestPath", r.RequestPath);
        r.RawChunks = List(d, "RawChunks", v => new RawChunkEntry
        {
            OffsetMicros = Long(v.AsDocument, "OffsetMicros", 0),
            Data = Get(v.AsDocument, "Data", [], b => b.AsBinary)!,
        }) ?? r.RawChunks;
        r.RawSignalOffsetsMicros = List(d, "RawSignalOffsetsMicros", v => v.AsInt64) ?? r.RawSignalOffsetsMicros;
        r.RawChunksTruncated = Bool(d, "RawChunksTruncated", r.RawChunksTruncated);
        r.RecordedAt = Date(d, "RecordedAt", r.RecordedAt);
        r.TraceParent = Text(d, "TraceParent", r.TraceParent);
        r.TraceState = Text(d, "TraceState", r.TraceState);
        r.Commit = Long(d, "Commit", r.Commit);
        return r;
    }

    private static BsonDocument ToDocument(ClientIdentity c)
    {
        var d = new BsonDocument();
        Put(d, "Process", c.Process);
        d["ProcessId"] = c.ProcessId;
        Put(d, "Host", c.Host);
        Put(d, "Gateway", c.Gateway);
        return d;
    }

    private static ClientIdentity ClientFrom(BsonDocument d)
    {
        var c = new ClientIdentity();
        c.Process = Text(d, "Process", c.Process);
        c.ProcessId = Int(d, "ProcessId", c.ProcessId);
        c.Host = Text(d, "Host", c.Host);
        c.Gateway = Text(d, "Gateway", c.Gateway);
        return c;
    }

    private static BsonDocument ToDocument(SignalEntry s)
    {
        var d = new BsonDocument();
        Put(d, "Kind", s.Kind);
        d["At"] = s.At;
        d["AfterBytes"] = s.AfterBytes;
        Put(d, "ErrorKind", s.ErrorKind);
        Put(d, "Message", s.Message);
        return d;
    }

    private static SignalEntry SignalFrom(BsonDocument d)
    {
        var s = new SignalEntry();
        s.Kind = Text(d, "Kind", s.Kind)!;
        s.At = Date(d, "At", s.At);
        s.AfterBytes = Long(d, "AfterBytes", s.AfterBytes);
        s.ErrorKind = Text(d, "ErrorKind", s.ErrorKind);
        s.Message = Text(d, "Message", s.Message);
        return s;
    }

    private static BsonDocument ToDocument(UsageEntry u)
    {
        var d = new BsonDocument();
        Put(d, "Input", u.Input);
        Put(d, "Output", u.Output);
        Put(d, "Total", u.Total);
        Put(d, "CachedInput", u.CachedInput);
        Put(d, "CacheWrite", u.CacheWrite);
        Put(d, "CacheWrite1h", u.CacheWrite1h);
        Put(d, "Reasoning", u.Reasoning);
        Put(d, "Source", u.Source);
        d["Drained"] = u.Drained;
        Put(d, "EstimatedWith", u.EstimatedWith);
        return d;
    }

    private static UsageEntry UsageFrom(BsonDocument d)
    {
        var u = new UsageEntry();
        u.Input = Get(d, "Input", u.Input, v => v.AsInt64);
        u.Output = Get(d, "Output", u.Output, v => v.AsInt64);
        u.Total = Get(d, "Total", u.Total, v => v.AsInt64);
        u.CachedInput = Get(d, "CachedInput", u.CachedInput, v => v.AsInt64);
        u.CacheWrite = Get(d, "CacheWrite", u.CacheWrite, v => v.AsInt64);
        u.CacheWrite1h = Get(d, "CacheWrite1h", u.CacheWrite1h, v => v.AsInt64);
        u.Reasoning = Get(d, "Reasoning", u.Reasoning, v => v.AsInt64);
        u.Source = Text(d, "Source", u.Source)!;
        u.Drained = Bool(d, "Drained", u.Drained);
        u.EstimatedWith = Text(d, "EstimatedWith", u.EstimatedWith);
        return u;
    }

    private static BsonDocument ToDocument(CostEntry c)
    {
        var d = new BsonDocument { ["Total"] = c.Total };
        Put(d, "Input", c.Input);
        Put(d, "CachedInput", c.CachedInput);
        Put(d, "CacheWrite", c.CacheWrite);
        Put(d, "Output", c.Output);
        Put(d, "Reasoning", c.Reasoning);
        Put(d, "Currency", c.Currency);
        Put(d, "Entry", c.Entry);
        Put(d, "EntryOrigin", c.EntryOrigin);
        Put(d, "TierAboveInputTokens", c.TierAboveInputTokens);
        Put(d, "TableVersion", c.TableVersion);
        Put(d, "Source", c.Source);
        d["ComputedAt"] = c.ComputedAt;
        return d;
    }

    private static CostEntry CostFrom(BsonDocument d)
    {
        var c = new CostEntry();
        c.Total = Get(d, "Total", c.Total, v => v.AsDecimal);
        c.Input = Get(d, "Input", c.Input, v => v.AsDecimal);
        c.CachedInput = Get(d, "CachedInput", c.CachedInput, v => v.AsDecimal);
        c.CacheWrite = Get(d, "CacheWrite", c.CacheWrite, v => v.AsDecimal);
        c.Output = Get(d, "Output", c.Output, v => v.AsDecimal);
        c.Reasoning = Get(d, "Reasoning", c.Reasoning, v => v.AsDecimal);
        c.Currency = Text(d, "Currency", c.Currency)!;
        c.Entry = Text(d, "Entry", c.Entry)!;
        c.EntryOrigin = Text(d, "EntryOrigin", c.EntryOrigin);
        c.TierAboveInputTokens = Get(d, "TierAboveInputTokens", c.TierAboveInputTokens, v => v.AsInt64);
        c.TableVersion = Text(d, "TableVersion", c.TableVersion)!;
        c.Source = Text(d, "Source", c.Source)!;
        c.ComputedAt = Date(d, "ComputedAt", c.ComputedAt);
        return c;
    }

    private static BsonDocument ToDocument(CostRevision c)
    {
        var d = new BsonDocument();
        Put(d, "Total", c.Total);
        Put(d, "Currency", c.Currency);
        Put(d, "Entry", c.Entry);
        Put(d, "TableVersion", c.TableVersion);
        Put(d, "Source", c.Source);
        Put(d, "ComputedAt", c.ComputedAt);
        d["ReplacedAt"] = c.ReplacedAt;
        return d;
    }

    private static CostRevision RevisionFrom(BsonDocument d)
    {
        var c = new CostRevision();
        c.Total = Get(d, "Total", c.Total, v => v.AsDecimal);
        c.Currency = Text(d, "Currency", c.Currency);
        c.Entry = Text(d, "Entry", c.Entry);
        c.TableVersion = Text(d, "TableVersion", c.TableVersion);
        c.Source = Text(d, "Source", c.Source);
        c.ComputedAt = Get(d, "ComputedAt", c.ComputedAt, v => v.AsDateTime);
        c.ReplacedAt = Date(d, "ReplacedAt", c.ReplacedAt);
        return c;
    }

    private static void Put(BsonDocument d, string name, string? value)
    {
        if (value is not null)
        {
            d[name] = value;
        }
    }

    private static void Put<T>(BsonDocument d, string name, T? value)
        where T : struct
    {
        if (value is { } present)
        {
            d[name] = present switch
            {
                int i => i,
                long l => l,
                double f => f,
                decimal m => m,
                DateTime t => t,
                _ => throw new NotSupportedException(typeof(T).Name),
            };
        }
    }

    private static void PutArray<T>(BsonDocument d, string name, List<T>? items, Func<T, BsonValue> item)
    {
        if (items is null)
        {
            return;
        }

        // Not new BsonArray(items.Count): that is the params constructor, an array holding the count.
        var array = new BsonArray();
        foreach (var each in items)
        {
            array.Add(item(each));
        }

        d[name] = array;
    }

    // A missing or null value keeps the property's default, as the mapper left it.
    private static T Get<T>(BsonDocument d, string name, T fallback, Func<BsonValue, T> read) =>
        d.TryGetValue(name, out var value) && !value.IsNull ? read(value) : fallback;

    private static string? Text(BsonDocument d, string name, string? fallback) => Get(d, name, fallback, v => v.AsString);

    private static int Int(BsonDocument d, string name, int fallback) => Get(d, name, fallback, v => v.AsInt32);

    private static long Long(BsonDocument d, string name, long fallback) => Get(d, name, fallback, v => v.AsInt64);

    private static bool Bool(BsonDocument d, string name, bool fallback) => Get(d, name, fallback, v => v.AsBoolean);

    private static DateTime Date(BsonDocument d, string name, DateTime fallback) => Get(d, name, fallback, v => v.AsDateTime);

    private static BsonDocument? Document(BsonDocument d, string name) => Get<BsonDocument?>(d, name, null, v => v.AsDocument);

    private static List<T>? List<T>(BsonDocument d, string name, Func<BsonValue, T> item)
    {
        if (Get<BsonArray?>(d, name, null, v => v.AsArray) is not { } array)
        {
            return null;
        }

        var list = new List<T>(array.Count);
        foreach (var each in array)
        {
            list.Add(item(each));
        }

        return list;
    }
}
