namespace Tap.Sidecar.Hosting;

/// <summary>One effective setting of <c>tap serve</c>: its key, its value after binding, and where the value came from.</summary>
internal sealed record ConfigEntry(string Key, string Value, string Source);
