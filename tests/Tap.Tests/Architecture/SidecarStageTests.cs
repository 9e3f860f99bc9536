using System.Text.RegularExpressions;

namespace Tap.Tests.Architecture;

/// <summary>
/// The sidecar's folders are stages of the data's way (README, "Layout"): each may use the stages below it, never one
/// that uses it back. Read from the sources, where unused usings are build errors, so every import line is a real use.
/// </summary>
public partial class SidecarStageTests
{
    [Test]
    public void No_two_stages_of_the_sidecar_import_each_other_even_through_others()
    {
        var sidecar = Path.Combine(RepositoryRoot(), "sidecar");
        var stages = Directory.GetDirectories(sidecar).Select(Path.GetFileName).OfType<string>()
            .Where(name => name is not ("bin" or "obj")).ToHashSet();
        var imports = new Dictionary<string, Dictionary<string, string>>();
        foreach (var file in Directory.GetFiles(sidecar, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(sidecar, file).Replace('\\', '/');
            var stage = relative.Split('/')[0];
            if (!stages.Contains(stage) || stage is "bin" or "obj")
            {
                continue;
            }

            foreach (Match use in StageReference().Matches(File.ReadAllText(file)))
            {
                var used = use.Groups["stage"].Value;
                if (used != stage && stages.Contains(used))
                {
                    imports.TryAdd(stage, []);
                    imports[stage].TryAdd(used, relative);
                }
            }
        }

        Assert.That(FindCycle(imports), Is.Null);
    }

    // Depth-first search; a cycle is reported with the file that makes each step of it.
    private static string? FindCycle(Dictionary<string, Dictionary<string, string>> imports)
    {
        var done = new HashSet<string>();
        var path = new List<string>();
        string? Visit(string stage)
        {
            if (path.IndexOf(stage) is var at and >= 0)
            {
                var loop = path.Skip(at).Append(stage).ToList();
                return string.Join(" -> ", loop.Zip(loop.Skip(1), (from, to) => $"{from} ({imports[from][to]})")) + " -> " + stage;
            }

            if (!done.Add(stage))
            {
                return null;
            }

            path.Add(stage);
            foreach (var used in imports.GetValueOrDefault(stage, []).Keys.Order())
            {
                if (Visit(used) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return imports.Keys.Order().Select(Visit).FirstOrDefault(cycle => cycle is not null);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Tap.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside the repository: no Tap.sln above " + TestContext.CurrentContext.TestDirectory);
    }

    // Tap.Sidecar.Store.RecordStore, a using of Tap.Sidecar.Store, or from inside the sidecar the short Store.RecordStore.
    [GeneratedRegex(@"\bTap\.Sidecar\.(?<stage>\w+)|(?<![\w.""])(?<stage>\w+)\.[A-Z]")]
    private static partial Regex StageReference();
}
