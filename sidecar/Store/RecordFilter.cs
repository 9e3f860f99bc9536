using LiteDB;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Store;

/// <summary>Translates a <see cref="RecordQuery"/> into LiteDB WHERE terms.</summary>
internal static class RecordFilter
{
    /// <summary>
    /// Ranges come first, one term each, so LiteDB can drive the query with the StartedAt or Commit index.
    /// Every other filter is folded into one residual term.
    /// </summary>
    public static List<BsonExpression> Terms(RecordQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var terms = new List<BsonExpression>();
        void Range(string field, string op, DateTime? value)
        {
            if (value is { } time)
            {
                terms.Add(BsonExpression.Create($"$.{field} {op} @0", new BsonValue(Utc(time))));
            }
        }

        Range(nameof(ExecutionRecord.StartedAt), ">=", query.Since);
        Range(nameof(ExecutionRecord.StartedAt), "<", query.Until);
        Range(nameof(ExecutionRecord.StartedAt), "<=", query.StartedAtOrBefore);
        if (query.CommittedAfter is { } commit)
        {
            terms.Add(BsonExpression.Create($"$.{nameof(ExecutionRecord.Commit)} > @0", new BsonValue(commit)));
        }

        var residual = new List<string>();
        var parameters = new List<BsonValue>();
        void Equal(string path, string? value)
        {
            if (value is not null)
            {
                parameters.Add(value);
                residual.Add($"{path} = @{parameters.Count - 1}");
            }
        }

        Equal("$.Status", query.Status);
        Equal("$.Reason", query.Reason);
        Equal("$.Model", query.Model);
        Equal("$.Format", query.Format);
        Equal("$.Route", query.Route);
        Equal("$.RequestId", query.RequestId);
        Equal("$.Client.Gateway", query.Client);
        if (!string.IsNullOrEmpty(query.ErrorContains))
        {
            parameters.Add(query.ErrorContains.ToLowerInvariant());
            residual.Add($"INDEXOF(LOWER($.ErrorMessage), @{parameters.Count - 1}) >= 0");
        }

        if (query.MinCost is { } minCost)
        {
            parameters.Add(minCost);
            residual.Add($"$.Cost.Total >= @{parameters.Count - 1}");
        }

        if (residual.Count > 0)
        {
            // LiteDB splits AND terms and seeks the cheapest equality index (Status), then sorts every match in
            // memory. Wrapped as "(...) = true" the filters match no index and stay residual on the date index walk.
            terms.Add(BsonExpression.Create($"({string.Join(" AND ", residual)}) = true", [.. parameters]));
        }

        return terms;
    }

    /// <summary>LiteDB converts an Unspecified time as if it were local; record times are UTC.</summary>
    public static DateTime Utc(DateTime time) =>
        time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime();
}
