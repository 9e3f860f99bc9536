using System.Globalization;
using System.Text;

namespace Tap.Benchmarks.Reporting;

/// <summary>A GitHub markdown table, numbers formatted with the invariant culture.</summary>
internal sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params object?[] cells) => _rows.Add([.. cells.Select(Format)]);

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", headers).AppendLine(" |");
        text.Append('|').AppendJoin("", headers.Select(_ => "---|")).AppendLine();
        foreach (var row in _rows)
        {
            text.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }

        return text.ToString();
    }

    private static string Format(object? cell) => cell switch
    {
        null => "",
        double d => d.ToString(Math.Abs(d) >= 100 ? "#,0" : Math.Abs(d) >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture),
        long or int => Convert.ToInt64(cell, CultureInfo.InvariantCulture).ToString("#,0", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };
}
