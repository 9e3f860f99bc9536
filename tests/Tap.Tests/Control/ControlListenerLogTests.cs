using System.Buffers.Binary;
using System.IO.Pipes;
using Microsoft.Extensions.Options;
using Tap.Sidecar.Control;
using Tap.Sidecar.Ingest;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Control;

public sealed class ControlListenerLogTests
{
    [Test]
    public async Task A_rejected_request_is_logged_with_its_reason()
    {
        using var folder = new TempFolder();
        using var store = new RecordStore(folder.File("tap.db"));
        using var writer = new RecordWriter(store, new StoreOptions(), new ListLogger<RecordWriter>(), TimeProvider.System);
        var logger = new ListLogger<ControlListener>();
        var pipe = TestEndpoints.UniquePipeName();
        using var listener = new ControlListener(
            Options.Create(new ControlOptions()), Options.Create(new IngestOptions { Endpoint = pipe }), Options.Create(new StoreOptions { DatabasePath = folder.File("tap.db") }), store, writer, TimeProvider.System, logger);
        await listener.StartAsync(CancellationToken.None);
        try
        {
            await using var client = new NamedPipeClientStream(".", ControlEndpoint.For(pipe), PipeDirection.InOut, PipeOptions.Asynchronous);
            await client.ConnectAsync(10_000);
            var prefix = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(prefix, 3);
            await client.WriteAsync(prefix);
            await client.WriteAsync("{x}"u8.ToArray());

            await Eventually.TrueAsync(() => logger.Count("ControlRequestRejected") == 1, "the rejection is logged");
            Assert.That(logger.Count("ControlListening"), Is.EqualTo(1));
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
