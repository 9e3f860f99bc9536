using Tap.Benchmarks.Hosts;

namespace Tap.Benchmarks.Memory;

internal sealed class ShimCapRole : IRole
{
    public string ReadyPayload => "";

    public static Task<ShimCapRole> StartAsync() => Task.FromResult(new ShimCapRole());

    public Task<string> AnswerAsync(string command) => Task.FromResult(command);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
