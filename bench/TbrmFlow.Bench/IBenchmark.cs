namespace TbrmFlow.Bench;

/// <summary>
/// One benchmark, run by name: <c>dotnet run -c Release --project bench/TbrmFlow.Bench -- NAME</c>.
/// Benchmarks print what they measured (ratios measured within one run, since these machines are
/// noisy); they never assert.
/// </summary>
public interface IBenchmark
{
    /// <summary>The name on the command line.</summary>
    string Name { get; }

    /// <summary>One line for the list.</summary>
    string Description { get; }

    /// <summary>Runs and prints results; returns the process exit code.</summary>
    Task<int> RunAsync(string[] args);
}
