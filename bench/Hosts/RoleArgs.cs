namespace Tap.Benchmarks.Hosts;

/// <summary>The <c>--key value</c> pairs a child process is started with.</summary>
internal sealed class RoleArgs(Dictionary<string, string> values)
{
    public static RoleArgs Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        return new RoleArgs(values);
    }

    public string this[string key] => values.TryGetValue(key, out var value) ? value : throw new ArgumentException($"--{key} is required.");

    public string? Get(string key) => values.GetValueOrDefault(key);
}
