using System.Text.Json.Serialization;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Control;

/// <summary>The control protocol's JSON: snake_case, enums as strings, dates as UTC with milliseconds (LiteDB's precision).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(UtcDateTimeJsonConverter)])]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlResponse))]
internal sealed partial class ControlJson : JsonSerializerContext;
