using System.Text;
using Tap.Sidecar.Streams.Json;

namespace Tap.Tests.Streams.Json;

public sealed class ProviderJsonTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [TestCase("\uFEFF{\"a\":1}", null)]
    [TestCase("{\"a\":1}", null)]
    [TestCase("", "malformed_json")]
    [TestCase("[1]", "malformed_json")]
    [TestCase("{\"a\":", "malformed_json")]
    [TestCase("{\"error\":{\"message\":\"down\"}}", "provider_error")]
    [TestCase("{\"error\":\"down\"}", "provider_error")]
    [TestCase("{\"error\":null}", null)]
    public void An_object_parses_once_with_its_BOM_stripped_and_anything_else_is_the_fault(string text, string? code)
    {
        using var document = ProviderJson.TryParseObject(Encoding.UTF8.GetBytes(text), ProviderJson.EventData, T0, out var fault);

        Assert.That(fault?.Code, Is.EqualTo(code));
        Assert.That(document is null, Is.EqualTo(code is not null));
    }

    [Test]
    public void An_error_member_the_format_owns_is_not_a_provider_error()
    {
        using var document = ProviderJson.TryParseObject("{\"type\":\"error\",\"error\":{\"message\":\"x\"}}"u8.ToArray(), ProviderJson.EventData, T0, out var fault, ownsError: root => true);

        Assert.That(fault, Is.Null);
        Assert.That(document, Is.Not.Null);
    }

    [TestCase("[{\"a\":1},{\"b\":2}]", null)]
    [TestCase("\uFEFF[{\"a\":1}]", null)]
    [TestCase("[{\"a\":1},2]", "malformed_json")]
    [TestCase("[{\"a\":1},{\"error\":{\"message\":\"\\udc00\"}}]", "provider_error")]
    public void An_array_of_objects_is_accepted_where_the_format_allows_it(string text, string? code)
    {
        using var document = ProviderJson.TryParseObjectOrArray(Encoding.UTF8.GetBytes(text), ProviderJson.ResponseBody, T0, out var fault);

        Assert.That(fault?.Code, Is.EqualTo(code));
    }

    [Test]
    public void Invalid_utf8_is_invalid_utf8()
    {
        using var document = ProviderJson.TryParseObject(new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, ProviderJson.ResponseBody, T0, out var fault);

        Assert.That(fault?.Code, Is.EqualTo("invalid_utf8"));
    }
}
