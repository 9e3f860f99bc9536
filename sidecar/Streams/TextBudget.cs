using System.Text;

namespace Tap.Sidecar.Streams;

/// <summary>
/// One cap on all the text an aggregator keeps for a response, so a runaway answer cannot grow the sidecar
/// without bound. Past the cap, text is dropped and the response is marked truncated.
/// </summary>
internal sealed class TextBudget(int maxChars)
{
    public const int DefaultMaxChars = 4 * 1024 * 1024;

    private int _remaining = maxChars;

    public bool Exceeded { get; private set; }

    public void Append(StringBuilder target, string text)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= _remaining)
        {
            target.Append(text);
            _remaining -= text.Length;
            return;
        }

        var take = _remaining;
        if (take > 0 && char.IsHighSurrogate(text[take - 1]))
        {
            take--;
        }

        target.Append(text, 0, take);
        _remaining = 0;
        Exceeded = true;
    }
}
