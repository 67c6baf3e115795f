namespace TbrmFlow.Server.BrowserTests;

/// <summary>
/// A fact that needs Debian's chromium at <see cref="ServerFixture.Chromium"/>: skipped with the
/// install command when it is missing, except under CI (env CI set), where a missing browser fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when chromium is absent outside CI.</summary>
    public BrowserFactAttribute()
    {
        if (!File.Exists(ServerFixture.Chromium) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"{ServerFixture.Chromium} not found: install it with `apt-get install -y chromium` (under CI this test fails instead)";
        }
    }
}
