using System.Text.Json;

namespace Tap.Shim.Capture;

/// <summary>
/// What an upstream request says about itself: the requested model and stream flag from a JSON body (or a
/// Gemini path), without ever reading a body the proxy has not buffered itself.
/// </summary>
internal static class RequestInspector
{
    public static (string? Model, bool? Stream) Inspect(ReadOnlySpan<byte> body, string? path)
    {
        string? model = ModelFromPath(path);
        bool? stream = path?.Contains(":streamGenerateContent", StringComparison.OrdinalIgnoreCase) == true ? true : null;
        if (body.IsEmpty)
        {
            return (model, stream);
        }

        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (model, stream);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    model ??= reader.GetString();
                }
                else if (reader.ValueTextEquals("stream"u8) && reader.Read() && reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                {
                    stream = reader.GetBoolean();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // A body that is not JSON tells nothing; the proxy forwards it untouched.
        }

        return (model, stream);
    }

    /// <summary>Gemini names the model in the path: /v1beta/models/gemini-2.5-flash:streamGenerateContent.</summary>
    private static string? ModelFromPath(string? path)
    {
        var start = path?.IndexOf("/models/", StringComparison.Ordinal) ?? -1;
        if (start < 0)
        {
            return null;
        }

        start += "/models/".Length;
        var end = path!.IndexOf(':', start);
        return end > start ? path[start..end] : null;
    }
}
