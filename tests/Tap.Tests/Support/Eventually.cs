namespace Tap.Tests.Support;

/// <summary>Polls a condition with a deadline: every wait in the suite is bounded.</summary>
internal static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) => TrueAsync(condition, () => what, timeout);

    /// <summary>With <paramref name="what"/> computed at the deadline, so a failure can say what state it found.</summary>
    public static async Task TrueAsync(Func<bool> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what()}.");
            }

            await Task.Delay(10);
        }
    }
}
