using System.Globalization;
using System.Threading.Channels;

namespace Tap.Benchmarks.Hosts;

/// <summary>The <see cref="DiscardServer"/> in a process of its own, as the sidecar is: prints <c>closed BYTES</c> per finished connection.</summary>
internal sealed class DrainRole(DiscardServer server, Channel<long> closed) : IRole
{
    public string ReadyPayload => "";

    public static DrainRole Start(RoleArgs args)
    {
        var closed = Channel.CreateUnbounded<long>();
        return new DrainRole(new DiscardServer(args["pipe"], bytes => closed.Writer.TryWrite(bytes)), closed);
    }

    /// <summary><c>closed</c>: waits for the next connection to close and answers its byte count.</summary>
    public async Task<string> AnswerAsync(string command) => command == "closed"
        ? (await closed.Reader.ReadAsync()).ToString(CultureInfo.InvariantCulture)
        : "unknown command";

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
