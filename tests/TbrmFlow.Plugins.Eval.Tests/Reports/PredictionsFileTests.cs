using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Reports;

namespace TbrmFlow.Plugins.Eval.Tests.Reports;

public sealed class PredictionsFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("predictions-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(params string[] lines)
    {
        var path = Path.Combine(_dir, "s.jsonl");
        File.WriteAllText(path, string.Join('\n', lines));
        return path;
    }

    [Theory]
    [InlineData("""{"samples":["1"]}""", "s.jsonl:2: missing field 'id'")]
    [InlineData("""{"id":"b"}""", "s.jsonl:2: missing field 'samples'")]
    [InlineData("""{"id":"b","samples":[]}""", "s.jsonl:2: field 'samples' must be a non-empty array of strings")]
    [InlineData("""{"id":"b","samples":[1]}""", "s.jsonl:2: field 'samples' must be a non-empty array of strings")]
    [InlineData("""{"id":true,"samples":["1"]}""", "s.jsonl:2: field 'id' must be a string or number")]
    [InlineData("""{"id":"b","samples":["1"],"truncated":[true,false]}""", "s.jsonl:2: field 'truncated' must be an array of 1 booleans")]
    [InlineData("""["b"]""", "s.jsonl:2: expected an object")]
    [InlineData("""{"id":"a","samples":["1"]}""", "s.jsonl:2: duplicate id 'a' (first on line 1)")]
    [InlineData("""{"id":"b",""", "s.jsonl:2: malformed JSON")]
    public void Read_BadLine_NamesFileAndLine(string secondLine, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => PredictionsFile.Read(Write("""{"id":"a","samples":["1"]}""", secondLine)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NumericIds_AreText()
    {
        var p = Assert.Single(PredictionsFile.Read(Write("""{"id":17,"samples":["x","y"]}""")));
        Assert.Equal("17", p.Id);
        Assert.Equal(["x", "y"], p.Samples);
    }

    [Fact]
    public void Match_MissingAndUnknownIds_AreErrors()
    {
        var problems = new[] { new Problem { Id = "a", Question = "q", Answer = "1" }, new Problem { Id = "b", Question = "q", Answer = "2" } };
        var predictions = PredictionsFile.Read(Write("""{"id":"a","samples":["1"]}"""));
        var missing = Assert.Throws<InvalidDataException>(() => PredictionsFile.Match(problems, "p.jsonl", predictions, "s.jsonl"));
        Assert.Contains("1 of 2 problems have no prediction (first: 'b')", missing.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<InvalidDataException>(() => PredictionsFile.Match([], "p.jsonl", predictions, "s.jsonl"));
        Assert.Contains("p.jsonl: no problems", empty.Message, StringComparison.Ordinal);
    }
}
