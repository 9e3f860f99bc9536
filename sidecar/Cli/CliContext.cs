using System.CommandLine;

namespace Tap.Sidecar.Cli;

/// <summary>What every subcommand shares: the global <c>--db</c> option and the clock.</summary>
internal sealed record CliContext(Option<string> DatabaseOption, TimeProvider TimeProvider);
