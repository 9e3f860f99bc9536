using Tap.Protocol;
using Tap.Sidecar.Ingest;

namespace Tap.Tests.Ingest;

public sealed class ControlEndpointTests
{
    [Test]
    public void A_pipe_name_gets_a_control_suffix() =>
        Assert.That(ControlEndpoint.For("tap"), Is.EqualTo("tap-control"));

    [Test]
    [Platform(Exclude = "Win")]
    public void A_socket_path_gets_a_control_extension_beside_it()
    {
        Assert.That(ControlEndpoint.For("/run/tap/tap.sock"), Is.EqualTo("/run/tap/tap.sock.control"));
        Assert.That(PipeEndpoint.Address("tap-control"), Is.EqualTo(Path.Combine(Path.GetTempPath(), "CoreFxPipe_tap-control")));
    }
}
