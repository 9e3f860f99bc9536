namespace Tap.Sidecar.Service;

/// <summary>What a service registration runs: the executable (with its argument when it is the dotnet host), and tap serve's arguments.</summary>
internal sealed record ServiceDefinition(string Executable, IReadOnlyList<string> Arguments)
{
    public const string Name = "tap";
    public const string Description = "Tap sidecar: records the true outcome of streamed LLM responses";

    /// <summary>
    /// The running tap: its own executable, or "dotnet tap.dll" when started through the dotnet host
    /// (<c>dotnet run</c>, a framework-dependent publish run as a dll).
    /// </summary>
    public static ServiceDefinition ForCurrentProcess(IReadOnlyList<string> serveArguments)
    {
        ArgumentNullException.ThrowIfNull(serveArguments);
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The path of the running executable is unknown.");
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? new ServiceDefinition(process, [typeof(ServiceDefinition).Assembly.Location, "serve", .. serveArguments])
            : new ServiceDefinition(process, ["serve", .. serveArguments]);
    }
}
