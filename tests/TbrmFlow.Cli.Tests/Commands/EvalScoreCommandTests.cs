using System.Diagnostics;
using System.Text.Json;

namespace TbrmFlow.Cli.Tests.Commands;

/// <summary>Runs <c>tbrmflow eval score</c> as a process and checks exit code and output.</summary>
public sealed class EvalScoreCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("evalscore-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, params string[] lines)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "tbrmflow.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    [Fact]
    public void Score_Json_PrintsHandComputedMetrics()
    {
        var problems = File("p.jsonl",
            """{"id":"a","question":"1+1=","answer":"2"}""",
            """{"id":"b","question":"half","answer":"\\frac{1}{2}"}""");
        var predictions = File("s.jsonl",
            """{"id":"b","samples":["\\boxed{0.5}","\\boxed{1}","\\boxed{1}"]}""",
            """{"id":"a","samples":["2","3","2"],"truncated":[false,true,false]}""");
        var (code, stdout, stderr) = Run("eval", "score", "--problems", problems, "--predictions", predictions, "--k", "2", "--json");
        Assert.True(code == 0, stderr);
        var metrics = JsonDocument.Parse(stdout).RootElement.GetProperty("metrics");
        // avg@2: a = 1/2, b = 1/2. pass@2 (n=3, c=2 for a, c=1 for b): 1 and 1 - C(2,2)/C(3,2) = 2/3.
        // maj@2: a ties "2" vs "3" -> "2" (first) correct; b ties "0.5" vs "1" -> "0.5" correct.
        Assert.Equal(0.5, metrics.GetProperty("eval/avg@2").GetDouble(), 12);
        Assert.Equal((1 + (2 / 3.0)) / 2, metrics.GetProperty("eval/pass@2").GetDouble(), 12);
        Assert.Equal(1.0, metrics.GetProperty("eval/maj@2").GetDouble(), 12);
        Assert.Equal(1 / 6.0, metrics.GetProperty("eval/truncation_rate").GetDouble(), 12);
    }

    [Fact]
    public void Score_BadData_ExitsTwoNamingFileAndLine()
    {
        var problems = File("p.jsonl", """{"id":"a","question":"1+1=","answer":"2"}""");
        var malformed = File("bad.jsonl", """{"id":"a","samples":["2"]}""", "", """{"id": "a" "samples": []}""");
        var (code, _, stderr) = Run("eval", "score", "--problems", problems, "--predictions", malformed);
        Assert.Equal(2, code);
        Assert.Contains("bad.jsonl:3: malformed JSON", stderr, StringComparison.Ordinal);

        var unknown = File("unknown.jsonl", """{"id":"zz","samples":["2"]}""");
        (code, _, stderr) = Run("eval", "score", "--problems", problems, "--predictions", unknown);
        Assert.Equal(2, code);
        Assert.Contains("unknown.jsonl:1: unknown id 'zz'", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
