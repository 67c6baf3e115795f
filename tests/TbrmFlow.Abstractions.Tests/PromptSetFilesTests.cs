using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Abstractions.Tests;

public sealed class PromptSetFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("promptset").FullName;

    [Fact]
    public void WriteThenRead_ReturnsTheSameProblems()
    {
        var problems = new[]
        {
            new Problem { Id = "1", Question = "1+2=", Answer = "3" },
            new Problem { Id = "2", Question = "What is \"x\"?", Answer = "-4", Solution = "x = -4", Source = "test" },
        };
        PromptSetFiles.Write(_dir, problems, "unit test");
        Assert.Equal(problems, PromptSetFiles.Read(_dir));
        Assert.Contains("\"count\":2", File.ReadAllText(Path.Combine(_dir, PromptSetFiles.ManifestFile)), StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedLine_NamesFileAndLine()
    {
        var file = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllText(file, "{\"id\":\"1\",\"question\":\"q\",\"answer\":\"a\"}\n\n{\"id\":\"2\",\"question\":\"q\"}\n");
        var error = Assert.Throws<InvalidDataException>(() => PromptSetFiles.Read(file));
        Assert.StartsWith(file + ":3:", error.Message, StringComparison.Ordinal);
        Assert.Contains("answer", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
