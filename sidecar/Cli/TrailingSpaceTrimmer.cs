using System.Text;

namespace Tap.Sidecar.Cli;

/// <summary>
/// Drops the spaces at the end of every line on their way to <paramref name="inner"/>: Spectre pads every table cell
/// to its column's width, which leaves trailing spaces that diffs and scripts trip over. Spaces are held back until
/// the next character shows whether the line goes on.
/// </summary>
internal sealed class TrailingSpaceTrimmer(TextWriter inner) : TextWriter
{
    private int _heldSpaces;

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        switch (value)
        {
            case ' ':
                _heldSpaces++;
                return;
            case '\n':
                _heldSpaces = 0;
                break;
            case '\r':
                return;
            default:
                if (_heldSpaces > 0)
                {
                    inner.Write(new string(' ', _heldSpaces));
                    _heldSpaces = 0;
                }

                break;
        }

        inner.Write(value);
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
        {
            Write(c);
        }
    }

    public override void Flush() => inner.Flush();
}
