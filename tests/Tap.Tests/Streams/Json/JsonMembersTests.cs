using System.Text.Json;
using Tap.Sidecar.Streams.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Tests.Streams.Json;

public sealed class JsonMembersTests
{
    [Test]
    public void Members_of_the_wrong_kind_or_under_a_parent_that_is_not_an_object_read_as_absent()
    {
        using var document = JsonDocument.Parse("""{"s":1,"n":"1","o":[],"a":{},"t":"true","big":99999999999,"nested":{"s":"x"}}""");
        var root = document.RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(String(root, "s"), Is.Null);
            Assert.That(Int64(root, "n"), Is.Null);
            Assert.That(Object(root, "o").ValueKind, Is.EqualTo(JsonValueKind.Undefined));
            Assert.That(Array(root, "a").Any(), Is.False);
            Assert.That(True(root, "t"), Is.False);
            Assert.That(Int32(root, "big"), Is.Null);
            Assert.That(Int64(root, "big"), Is.EqualTo(99999999999));
            Assert.That(String(root.GetProperty("o"), "s"), Is.Null, "an array is not a parent");
            Assert.That(String(Object(root, "missing"), "s"), Is.Null, "absent chains to absent");
            Assert.That(String(Object(root, "nested"), "s"), Is.EqualTo("x"));
        });
    }

    [TestCase("""{"s":"\ud800"}""")]
    [TestCase("""{"s":"\udfff"}""")]
    [TestCase("""{"s":"a\ud800\u0041"}""")]
    public void A_lone_surrogate_is_malformed_json(string json)
    {
        using var document = JsonDocument.Parse(json);

        Assert.That(() => String(document.RootElement, "s"), Throws.TypeOf<MalformedJsonException>());
        Assert.That(() => Compact(document.RootElement), Throws.TypeOf<MalformedJsonException>());
        Assert.That(Raw(document.RootElement), Is.EqualTo(json), "the raw text reads nothing, so it still works");
    }

    [Test]
    public void A_member_name_with_a_lone_surrogate_never_escapes_as_another_exception()
    {
        using var document = JsonDocument.Parse("""{"\ud800":1,"text":"a"}""");

        Assert.That(String(document.RootElement, "text"), Is.EqualTo("a"), "finding a member compares names without reading the others");
        Assert.That(() => HasOnly(document.RootElement, "text"), Throws.TypeOf<MalformedJsonException>(), "reading the name does read it");
    }

    [Test]
    public void A_surrogate_pair_is_text()
    {
        using var document = JsonDocument.Parse("""{"s":"\ud83d\ude00"}""");

        Assert.That(String(document.RootElement, "s"), Is.EqualTo("😀"));
        using var compacted = JsonDocument.Parse(Compact(document.RootElement));
        Assert.That(String(compacted.RootElement, "s"), Is.EqualTo("😀"));
    }
}
