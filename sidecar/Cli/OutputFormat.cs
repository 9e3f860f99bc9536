namespace Tap.Sidecar.Cli;

/// <summary>How a command prints records.</summary>
internal enum OutputFormat
{
    Table,
    Json,
    JsonLines,
    Csv,
}
