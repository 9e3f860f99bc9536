namespace Tap.Sidecar.Telemetry.Metrics;

/// <summary>
/// Bounds the values of one label that the sidecar does not choose (models, providers, gateways: named by operators and
/// clients): the first <c>max</c> distinct values are kept, every later one is counted as <see cref="GenAiNames.Other"/>,
/// and a value is cut to <see cref="MaxLength"/> characters, so a client sending random model names cannot grow the
/// series without end. Used on the writer's thread only.
/// </summary>
internal sealed class LabelValues(int max)
{
    public const int MaxLength = 128;

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>The value to label with; null stays null (the label is left out).</summary>
    public string? Bound(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length > MaxLength)
        {
            value = value[..MaxLength];
        }

        return _seen.Contains(value) || (_seen.Count < max && _seen.Add(value)) ? value : GenAiNames.Other;
    }
}
