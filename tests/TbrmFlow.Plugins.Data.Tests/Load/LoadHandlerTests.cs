using Parquet.Serialization;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Data.Load;

using TbrmFlow.Testing;

namespace TbrmFlow.Plugins.Data.Tests.Load;

public sealed class LoadHandlerTests : IDisposable
{
    private readonly RecordingActivityContext _ctx = new();

    public void Dispose() => _ctx.Dispose();

    private string WriteLines(string name, params string[] lines)
    {
        var path = Path.Combine(_ctx.Root, name);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    private async Task<(LoadResult Result, IReadOnlyList<Problem> Train, IReadOnlyList<Problem> Test)> Load(LoadRequest request)
    {
        var result = await new LoadHandler(_ctx).Handle(request, CancellationToken.None);
        return (result, PromptSetFiles.Read(result.Train.Path), PromptSetFiles.Read(result.Test.Path));
    }

    [Fact]
    public async Task Jsonl_Gsm8k_MapsFields_ExtractsHashAnswers_AndDeduplicates()
    {
        var path = WriteLines("gsm8k.jsonl",
            """{"question":"Tom has 3 apples and buys 2. How many?","answer":"3+2=5\n#### 5"}""",
            """{"question":"  tom has 3 apples   and buys 2. How many?","answer":"again\n#### 5"}""",
            """{"question":"A farm has 1,200 cows and sells none.","answer":"nothing sold\n#### 1,200"}""",
            """{"question":"No final line here","answer":"forgot the marker"}""");
        var (result, train, test) = await Load(new LoadRequest { Path = path, AnswerFrom = SolutionAnswer.Hash });
        Assert.Equal((4, 1, 1), (result.Rows, result.Duplicates, result.Filtered));
        Assert.Empty(test);
        Assert.Equal(["5", "1200"], train.Select(p => p.Answer));
        Assert.Equal("3+2=5", train[0].Solution);
        Assert.Equal(["gsm8k-0", "gsm8k-2"], train.Select(p => p.Id));
    }

    [Fact]
    public async Task Parquet_Math_FieldMapping_LastBoxed_SourceFilter()
    {
        var path = Path.Combine(_ctx.Root, "math.parquet");
        MathRow[] rows =
        [
            new() { problem = "Compute 1/2 + 1/4.", solution = "First \\boxed{1/2}... so \\boxed{\\frac{3}{4}}.", level = "Level 1" },
            new() { problem = "Find x if 2x = 6.", solution = "x = \\boxed{3}", level = "Level 2" },
            new() { problem = "Hard one.", solution = "\\boxed{\\sqrt{2}}", level = "Level 5" },
        ];
        await ParquetSerializer.SerializeAsync(rows, path);
        var (result, train, _) = await Load(new LoadRequest
        {
            Path = "file://" + path,
            Fields = new() { ["question"] = "problem", ["answer"] = "solution", ["source"] = "level" },
            AnswerFrom = SolutionAnswer.Boxed,
            Sources = ["Level 1", "Level 2"],
        });
        Assert.Equal((3, 0, 1), (result.Rows, result.Duplicates, result.Filtered));
        Assert.Equal(["\\frac{3}{4}", "3"], train.Select(p => p.Answer));
        Assert.Equal("Compute 1/2 + 1/4.", train[0].Question);
        Assert.StartsWith("First", train[0].Solution, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SampleAndSplit_AreSeeded_DisjointAndSized()
    {
        var path = WriteLines("many.jsonl", [.. Enumerable.Range(0, 100).Select(i => $$"""{"id":"q{{i}}","question":"What is {{i}}?","answer":"{{i}}"}""")]);
        var request = new LoadRequest { Path = path, Sample = 40, TestRatio = 0.25, Seed = 4 };
        var (_, train, test) = await Load(request);
        Assert.Equal((30, 10), (train.Count, test.Count));
        Assert.Empty(train.Select(p => p.Id).Intersect(test.Select(p => p.Id)));
        var (_, train2, test2) = await Load(request);
        Assert.Equal(train.Select(p => p.Id), train2.Select(p => p.Id));
        Assert.Equal(test.Select(p => p.Id), test2.Select(p => p.Id));
        var (_, train3, _) = await Load(request with { Seed = 5 });
        Assert.NotEqual(train.Select(p => p.Id), train3.Select(p => p.Id));
        Assert.Equal(40.0, _ctx.Metrics[0].Metrics["data/train_size"] + _ctx.Metrics[0].Metrics["data/test_size"]);
    }

    [Fact]
    public async Task Filters_QuestionAndAnswerLength()
    {
        var path = WriteLines("f.jsonl", """{"question":"short","answer":"1"}""", """{"question":"a much longer question","answer":"2"}""", """{"question":"ok","answer":"123456"}""");
        var (result, train, _) = await Load(new LoadRequest { Path = path, MaxQuestionChars = 10, MaxAnswerChars = 3 });
        Assert.Equal(2, result.Filtered);
        Assert.Equal("short", Assert.Single(train).Question);
    }

    [Theory]
    [InlineData("""{"question":"q"}""", "bad.jsonl:2: missing field 'answer'")]
    [InlineData("""{"problem":"q","answer":"1"}""", "bad.jsonl:2: missing field 'question'")]
    [InlineData("""{"question":"q",""", "bad.jsonl:2: malformed JSON")]
    [InlineData("[1]", "bad.jsonl:2: expected a JSON object")]
    public async Task BadRows_NameFileAndLine(string line, string expected)
    {
        var path = WriteLines("bad.jsonl", """{"question":"fine","answer":"1"}""", line);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => Load(new LoadRequest { Path = path }));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MappedFieldMissing_SaysWhichMapping()
    {
        var path = WriteLines("m.jsonl", """{"question":"q","answer":"1"}""");
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => Load(new LoadRequest { Path = path, Fields = new() { ["question"] = "problem" } }));
        Assert.Contains("m.jsonl:1: missing field 'problem' (mapped to question)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyFile_And_UnknownField_AreErrors()
    {
        var empty = WriteLines("empty.jsonl");
        Assert.Contains("no rows", (await Assert.ThrowsAsync<InvalidDataException>(() => Load(new LoadRequest { Path = empty }))).Message, StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Load(new LoadRequest { Path = empty, Fields = new() { ["prompt"] = "x" } }));
        Assert.Contains("unknown problem field 'prompt'; valid: id, question, answer, solution, source", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NormalizeQuestion_CollapsesCaseAndWhitespace() =>
        Assert.Equal("what is 2 + 2?", LoadHandler.NormalizeQuestion("  What  is\t2 +\n2? "));

    // Parquet column names are the property names, as in the published MATH exports.
#pragma warning disable IDE1006
    private sealed class MathRow
    {
        public string problem { get; set; } = "";
        public string solution { get; set; } = "";
        public string level { get; set; } = "";
    }
#pragma warning restore IDE1006
}
