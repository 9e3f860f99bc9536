[assembly: Tap.Tests.Support.SpoolPerTest]

namespace Tap.Tests.Support;

/// <summary>
/// Points every test's default shim spool (<c>$XDG_STATE_HOME/tap/spool/...</c>) at a folder of its own: a client left
/// undelivered executions in its spool would otherwise be adopted, and replayed, by the next test's client.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
internal sealed class SpoolPerTestAttribute : Attribute, ITestAction
{
    private string? _folder;

    public ActionTargets Targets => ActionTargets.Test;

    public void BeforeTest(NUnit.Framework.Interfaces.ITest test)
    {
        _folder = Path.Combine(Path.GetTempPath(), "tap-tests", "state-" + Guid.NewGuid().ToString("N"));
        Environment.SetEnvironmentVariable("XDG_STATE_HOME", _folder);
    }

    public void AfterTest(NUnit.Framework.Interfaces.ITest test)
    {
        try
        {
            if (_folder is not null && Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}
