// A stand-in LLM provider for the README demo: it answers each API's path with a recorded transcript
// from tests/Tap.Tests/Fixtures, one SSE event per write, --pace-ms apart. A request header x-fixture: NAME
// answers with NAME.sse of that format instead of text.sse (the soak harness asks for error-mid-stream).
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["listen"] ?? "http://127.0.0.1:8081");
var fixtures = builder.Configuration["fixtures"] ?? Path.Combine(AppContext.BaseDirectory, "../../../../../tests/Tap.Tests/Fixtures");
var pace = TimeSpan.FromMilliseconds(int.Parse(builder.Configuration["pace-ms"] ?? "20", System.Globalization.CultureInfo.InvariantCulture));
var app = builder.Build();

app.MapPost("/v1/chat/completions", (HttpContext context) => Serve(context, "openai-chat"));
app.MapPost("/v1/responses", (HttpContext context) => Serve(context, "openai-responses"));
app.MapPost("/v1/messages", (HttpContext context) => Serve(context, "anthropic-messages"));
app.MapPost("/v1beta/models/{model}", (HttpContext context) => Serve(context, "gemini"));
await app.RunAsync();

async Task Serve(HttpContext context, string format)
{
    using var reader = new StreamReader(context.Request.Body);
    var request = await reader.ReadToEndAsync(context.RequestAborted);
    var streamed = request.Contains("\"stream\": true", StringComparison.Ordinal) || request.Contains("\"stream\":true", StringComparison.Ordinal)
        || context.Request.Path.Value!.Contains(":streamGenerateContent", StringComparison.Ordinal);
    var fixture = context.Request.Headers["x-fixture"].ToString();
    var name = fixture.Length > 0 && fixture.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') ? fixture : "text";
    var file = Path.Combine(fixtures, format, streamed ? name + ".sse" : "body.json");
    if (!File.Exists(file))
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        await context.Response.WriteAsync($"No fixture {file}; pass --fixtures DIR.", context.RequestAborted);
        return;
    }

    var bytes = await File.ReadAllBytesAsync(file, context.RequestAborted);
    context.Response.ContentType = streamed ? "text/event-stream" : "application/json";
    if (!streamed)
    {
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        return;
    }

    var start = 0;
    for (var i = 1; i < bytes.Length; i++)
    {
        if (bytes[i] == '\n' && (bytes[i - 1] == '\n' || (i > 2 && bytes[i - 1] == '\r' && bytes[i - 2] == '\n')))
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory(start, i + 1 - start), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            start = i + 1;
            await Task.Delay(pace, context.RequestAborted);
        }
    }
}
