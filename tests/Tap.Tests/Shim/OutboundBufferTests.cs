using Tap.Shim.Delivery;

namespace Tap.Tests.Shim;

[TestFixture]
public class OutboundBufferTests
{
    [TestCase(100, 128)]
    [TestCase(1_024, 1_024)]
    [TestCase(16 * 1024, 16 * 1024)]
    [TestCase((16 * 1024) + 37, 32 * 1024)]
    public void A_released_segment_is_rented_again_and_counted_at_its_whole_length(int size, int held)
    {
        var buffer = new OutboundBuffer(1024 * 1024);

        var first = buffer.TryRent(size, forEnd: false)!;
        var countedWhileHeld = buffer.Bytes;
        buffer.Release(first);
        var countedAfter = buffer.Bytes;
        var second = buffer.TryRent(size, forEnd: false)!;

        Assert.That((first.Length, countedWhileHeld, countedAfter, ReferenceEquals(first, second)), Is.EqualTo((held, (long)held, 0L, true)));
    }

    [Test]
    public void A_segment_over_the_cap_is_refused_and_not_counted_but_an_End_has_headroom()
    {
        var buffer = new OutboundBuffer(4 * 1024);
        var held = buffer.TryRent(4 * 1024, forEnd: false);

        var refused = buffer.TryRent(1_024, forEnd: false);
        var countedAfterRefusal = buffer.Bytes;
        var end = buffer.TryRent(1_024, forEnd: true);

        Assert.That((held is not null, refused, countedAfterRefusal, end is not null), Is.EqualTo((true, (byte[]?)null, 4L * 1024, true)));
    }
}
