using System.CommandLine;

namespace Tap.Sidecar.Cli;

/// <summary>What every subcommand shares: the global <c>--db</c> and <c>--endpoint</c> options and the clock.</summary>
internal sealed record CliContext(Option<string> DatabaseOption, Option<string> EndpointOption, TimeProvider TimeProvider);
