namespace TbrmFlow.Cluster.Tests;

/// <summary>
/// A fact that needs the PostgreSQL server named by TBRMFLOW_TEST_POSTGRES (started by .ci/postgres.sh).
/// Without it the test is skipped with that reason, except on CI (env CI set), where it runs and fails.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "TBRMFLOW_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"needs PostgreSQL: run `. .ci/postgres.sh` (starts a throwaway server and sets {Variable}) before dotnet test";
        }
    }
}
