namespace Tap.Benchmarks.Gateway;

/// <summary>Times in milliseconds, for percentiles (nearest rank).</summary>
internal sealed class LatencySamples
{
    private readonly List<double> _values = [];

    public int Count => _values.Count;

    public void Add(double milliseconds) => _values.Add(milliseconds);

    public void AddRange(LatencySamples other) => _values.AddRange(other._values);

    public double Percentile(double p)
    {
        if (_values.Count == 0)
        {
            return double.NaN;
        }

        _values.Sort();
        var rank = (int)Math.Ceiling(p / 100.0 * _values.Count) - 1;
        return _values[Math.Clamp(rank, 0, _values.Count - 1)];
    }
}
