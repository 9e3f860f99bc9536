using Tap.Benchmarks.Memory;

namespace Tap.Benchmarks.Hosts;

/// <summary>
/// The child side of <see cref="ChildProcess"/>: starts one role, prints <c>ready PAYLOAD</c> (after <see cref="AnswerPrefix"/>), answers commands
/// read from standard input, and stops when standard input closes.
/// </summary>
internal static class RoleHost
{
    /// <summary>Marks the lines meant for the parent: the hosts' own console logs go to standard output too.</summary>
    public const string AnswerPrefix = "@tap-bench ";

    public static async Task<int> RunAsync(string role, RoleArgs args)
    {
        using var allocations = AllocationSampler.StartIfAsked();
        IRole instance = role switch
        {
            "provider" => await ProviderRole.StartAsync(args),
            "gateway" => await GatewayRole.StartAsync(args),
            "sidecar" => await SidecarRole.StartAsync(args),
            "drain" => DrainRole.Start(args),
            "shim-cap" => await ShimCapRole.StartAsync(args),
            _ => throw new ArgumentException($"unknown role {role}"),
        };

        await using (instance)
        {
            Console.WriteLine(AnswerPrefix + "ready " + instance.ReadyPayload);
            while (await Console.In.ReadLineAsync() is { } command)
            {
                Console.WriteLine(AnswerPrefix + await instance.AnswerAsync(command));
            }
        }

        allocations?.Write(role);

        return 0;
    }
}

/// <summary>One child process's job.</summary>
internal interface IRole : IAsyncDisposable
{
    string ReadyPayload { get; }

    Task<string> AnswerAsync(string command);
}
