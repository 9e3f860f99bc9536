namespace Tap.Sidecar.Records;

/// <summary>An id prefix or suffix that matches more than one stored execution.</summary>
internal sealed class AmbiguousIdException : Exception
{
    /// <summary>How many matches are looked for and named in the message.</summary>
    public const int MatchesShown = 5;

    public AmbiguousIdException(string prefix, IReadOnlyList<Guid> matches)
        : base($"The id '{prefix}' matches more than one execution ({string.Join(", ", matches.Select(id => id.ToString("D")))}); give more characters.")
    {
        Prefix = prefix;
        Matches = matches;
    }

    public string Prefix { get; }

    public IReadOnlyList<Guid> Matches { get; }
}
