using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary>Writes every execution matching a query as JSON Lines or CSV, through <see cref="RecordPager"/>.</summary>
internal sealed class RecordExporter(IRecordSource source, RecordQuery query, string format)
{
    public Task<long> CountAsync(CancellationToken cancellationToken) => source.CountAsync(query, cancellationToken);

    /// <summary>The number of executions written; <paramref name="progress"/> hears the running count.</summary>
    public async Task<long> WriteAsync(TextWriter writer, Action<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var csv = format == "csv";
        if (csv)
        {
            RecordCsv.WriteHeader(writer);
        }

        long written = 0;
        await foreach (var record in RecordPager.ReadAllAsync(source, query, cancellationToken: cancellationToken))
        {
            if (csv)
            {
                RecordCsv.WriteRow(writer, record);
            }
            else
            {
                RecordJson.WriteLine(writer, record);
            }

            written++;
            progress?.Invoke(written);
        }

        await writer.FlushAsync(cancellationToken);
        return written;
    }
}
