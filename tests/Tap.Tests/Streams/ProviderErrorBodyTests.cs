using System.Text;
using Tap.Sidecar.Streams;

namespace Tap.Tests.Streams;

public sealed class ProviderErrorBodyTests
{
    [Test]
    public void OpenAI_error_body_gives_its_message()
    {
        var message = ProviderErrorBody.TryGetMessage(FixtureFiles.Read("openai-chat/error-429.json"));

        Assert.That(message, Does.StartWith("Rate limit reached for gpt-4o"));
    }

    [TestCase("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", "Overloaded")]
    [TestCase("""{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}""", "Resource has been exhausted (e.g. check quota).")]
    [TestCase("""[{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT"}}]""", "API key not valid.")]
    [TestCase("""{"message":"Internal server error"}""", "Internal server error")]
    [TestCase("""{"error":"model not found"}""", "model not found")]
    public void Anthropic_Gemini_and_plain_error_bodies_give_their_message(string body, string expected)
    {
        Assert.That(ProviderErrorBody.TryGetMessage(Encoding.UTF8.GetBytes(body)), Is.EqualTo(expected));
    }

    [Test]
    public void Leading_BOM_is_ignored()
    {
        Assert.That(ProviderErrorBody.TryGetMessage("\uFEFF{\"message\":\"x\"}"u8), Is.EqualTo("x"));
    }

    [TestCase("")]
    [TestCase("<html>Bad Gateway</html>")]
    [TestCase("""{"error":{"message":""")]
    [TestCase("""{"error":{"code":500}}""")]
    [TestCase("[]")]
    [TestCase("\"text\"")]
    public void Bodies_without_a_message_give_null(string body)
    {
        Assert.That(ProviderErrorBody.TryGetMessage(Encoding.UTF8.GetBytes(body)), Is.Null);
    }

    [Test]
    public void Invalid_utf8_in_the_message_gives_null()
    {
        byte[] body = [.. """{"message":" """u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.That(ProviderErrorBody.TryGetMessage(body), Is.Null);
    }
}
