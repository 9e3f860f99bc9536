using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary>Prints a list of records in the chosen <see cref="OutputFormat"/>.</summary>
internal static class RecordOutput
{
    public static void Write(TextWriter output, IReadOnlyList<ExecutionRecord> records, OutputFormat format)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(records);
        switch (format)
        {
            case OutputFormat.Json:
                RecordJson.Write(output, records);
                break;
            case OutputFormat.JsonLines:
                foreach (var record in records)
                {
                    RecordJson.WriteLine(output, record);
                }

                break;
            case OutputFormat.Csv:
                RecordCsv.WriteHeader(output);
                foreach (var record in records)
                {
                    RecordCsv.WriteRow(output, record);
                }

                break;
            default:
                RecordPrinter.PrintTable(TapConsole.Create(output), records);
                break;
        }
    }
}
