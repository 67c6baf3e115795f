using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Engine.Tests.Activities;

/// <summary>Test-only: reads a file named by a marked path input, or a prompt set (the data-root rule's tests).</summary>
[Activity("test.read", Category = "test", Description = "Counts the bytes of a file or the files of a prompt set.", Deterministic = false)]
public sealed record ReadRequest : IActivity<ReadResult>
{
    /// <summary>A file to read (a path or a <c>file://</c> URL, as data.load takes).</summary>
    [FilePath]
    public string? File { get; init; }

    /// <summary>A prompt set to read.</summary>
    public List<PromptSet> Sets { get; init; } = [];
}

/// <summary>Read outputs.</summary>
public sealed record ReadResult
{
    /// <summary>Bytes read.</summary>
    public long Bytes { get; init; }
}

public sealed class ReadHandler : IRequestHandler<ReadRequest, ReadResult>
{
    public ValueTask<ReadResult> Handle(ReadRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ReadResult
        {
            Bytes = (request.File is null ? 0 : new FileInfo(request.File.StartsWith("file://", StringComparison.Ordinal) ? new Uri(request.File).LocalPath : request.File).Length) + request.Sets.Sum(s => Directory.EnumerateFiles(s.Path).Sum(f => new FileInfo(f).Length)),
        });
}
