using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Engine.Planning;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;
using TbrmFlow.Workflows.Validation;

namespace TbrmFlow.Server.Services;

/// <summary>
/// The workflows folder: <c>NAME.yaml</c> files, listed, read, written atomically, created, copied,
/// renamed, deleted and validated exactly as <c>tbrmflow validate</c> does; beside each an optional
/// <c>NAME.layout.json</c> (the designer's node positions) that follows it. Names never leave the folder.
/// </summary>
/// <param name="options">Where the folder is.</param>
/// <param name="catalog">Known activities, for validation.</param>
public sealed partial class WorkflowLibrary(ServerOptions options, ActivityCatalog catalog)
{
    /// <summary>The allowed form of a workflow name.</summary>
    public const string NamePattern = "^[a-z0-9][a-z0-9._-]*$";

    private const string Extension = ".yaml";

    /// <summary>What <see cref="List"/> found per file, by the version (last write time, size) it was read at.</summary>
    private readonly ConcurrentDictionary<string, ((DateTime, long) Version, WorkflowFileInfo Info)> _described = new(StringComparer.Ordinal);

    /// <summary>The folder (full path).</summary>
    public string Directory => options.WorkflowsDirectory;

    /// <summary>Every workflow file, by name. Files that do not parse are listed with a null title.</summary>
    public IReadOnlyList<WorkflowFileInfo> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }
        var files = System.IO.Directory.EnumerateFiles(Directory, "*" + Extension)
            .Select(f => (File: f, Name: Path.GetFileNameWithoutExtension(f)))
            .Where(f => IsValidName(f.Name))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var gone in _described.Keys.Except(files.Select(f => f.File), StringComparer.Ordinal))
        {
            _described.TryRemove(gone, out _);
        }
        return [.. files.Select(f => Describe(f.File, f.Name))];
    }

    /// <summary>The YAML text of <paramref name="name"/>, or null when there is no such file.</summary>
    /// <exception cref="InvalidInputException">The name is not allowed.</exception>
    /// <exception cref="LimitExceededException">(422) The file is larger than the limit or not UTF-8 text; only its first bytes were read.</exception>
    public string? Read(string name)
    {
        var path = PathOf(name);
        try
        {
            return WorkflowText.TryRead(path, out var text, out var error)
                ? text
                : throw new LimitExceededException(StatusCodes.Status422UnprocessableEntity, $"the workflow file '{name}' cannot be opened: {error!.Message}", [ToDto(error)]);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// The text of <paramref name="name"/> when it names a readable workflow file, else null (an invalid name, no such
    /// file, or a file beyond the limits): for views that show a workflow beside something else and fall back quietly.
    /// </summary>
    public string? ReadOrNull(string? name)
    {
        if (!IsValidName(name))
        {
            return null;
        }
        try
        {
            return Read(name!);
        }
        catch (LimitExceededException)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="yaml"/> as <paramref name="name"/>: a temporary file in the same folder, then a rename, so readers never see half a file.</summary>
    /// <exception cref="InvalidInputException">The name is not allowed.</exception>
    public async Task WriteAsync(string name, string yaml, CancellationToken ct)
    {
        await WriteAtomicAsync(PathOf(name), yaml, ct);
    }

    /// <summary>Deletes <paramref name="name"/> and its layout sidecar; false when there was no such file.</summary>
    /// <exception cref="InvalidInputException">The name is not allowed.</exception>
    public bool Delete(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            return false;
        }
        File.Delete(path);
        File.Delete(LayoutFileOf(name));
        return true;
    }

    /// <summary>
    /// The text of a new workflow: its name and an empty <c>stages: {}</c> mapping that the designer's
    /// palette appends to (a workflow with no stages is reported by the validator until one is added).
    /// </summary>
    public static string Skeleton(string name) =>
        $"name: {Title(name)}\ndescription: New workflow\nstages: {{}}\n";

    /// <summary>The workflow language's <c>name:</c> for a file name (lower-case letters, digits and '-'; '.' and '_' become '-').</summary>
    public static string Title(string name) => TitleChars().Replace(name.ToLowerInvariant(), "-");

    /// <summary>The text with its <c>name:</c> following a new file name, when it was the old file name's title (a title chosen by hand stays).</summary>
    private static string Retitle(string text, string from, string to)
    {
        try
        {
            return WorkflowParser.TryParse(text, [])?.Name == Title(from) ? Designer.YamlPatcher.SetName(text, Title(to)) : text;
        }
        catch (InvalidOperationException)
        {
            return text;
        }
    }

    /// <summary>Creates <paramref name="name"/> with <see cref="Skeleton"/>.</summary>
    /// <exception cref="InvalidInputException">The name is not allowed.</exception>
    /// <exception cref="ConflictException">(409) A workflow of that name exists.</exception>
    public async Task<string> CreateAsync(string name, CancellationToken ct)
    {
        var text = Skeleton(name);
        await WriteNewAsync(name, text, ct);
        return text;
    }

    /// <summary>Copies <paramref name="from"/> (its file, or <paramref name="text"/> when given: the designer's unsaved text) and its layout to <paramref name="to"/>.</summary>
    /// <exception cref="InvalidInputException">A name is not allowed.</exception>
    /// <exception cref="NotFoundException">(404) No workflow <paramref name="from"/> (and no text given).</exception>
    /// <exception cref="ConflictException">(409) <paramref name="to"/> exists.</exception>
    public async Task CopyAsync(string from, string to, CancellationToken ct, string? text = null, string? layout = null)
    {
        CheckName(to, "to");
        text ??= Read(from) ?? throw new NotFoundException($"no workflow '{from}' in {Directory}");
        layout ??= ReadLayout(from);
        await WriteNewAsync(to, Retitle(text, from, to), ct);
        if (layout is not null)
        {
            await WriteLayoutAsync(to, layout, ct);
        }
    }

    /// <summary>Renames <paramref name="from"/> (and its layout sidecar) to <paramref name="to"/>; a <c>name:</c> equal to the old file name follows the new one.</summary>
    /// <exception cref="InvalidInputException">A name is not allowed.</exception>
    /// <exception cref="NotFoundException">(404) No workflow <paramref name="from"/>.</exception>
    /// <exception cref="ConflictException">(409) <paramref name="to"/> exists.</exception>
    public void Rename(string from, string to)
    {
        var source = PathOf(from);
        CheckName(to, "to");
        var target = PathOf(to);
        if (!File.Exists(source))
        {
            throw new NotFoundException($"no workflow '{from}' in {Directory}");
        }
        if (from == to)
        {
            return;
        }
        try
        {
            // overwrite: false, so a file created meanwhile is never replaced.
            File.Move(source, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            throw new ConflictException($"a workflow '{to}' already exists");
        }
        if (File.Exists(LayoutFileOf(from)))
        {
            File.Move(LayoutFileOf(from), LayoutFileOf(to), overwrite: true);
        }
        if (Read(to) is { } text && Retitle(text, from, to) is var retitled && retitled != text)
        {
            File.WriteAllText(target, retitled);
        }
    }

    /// <summary>The layout sidecar's JSON text (<c>NAME.layout.json</c>: node positions of the designer), or null when there is none or it is not readable.</summary>
    public string? ReadLayout(string name)
    {
        var path = LayoutFileOf(name);
        try
        {
            return new FileInfo(path) is { Exists: true, Length: <= MaxLayoutBytes } ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes (atomically) or, for null, deletes the layout sidecar of <paramref name="name"/>.</summary>
    public async Task WriteLayoutAsync(string name, string? json, CancellationToken ct)
    {
        var path = LayoutFileOf(name);
        if (json is null)
        {
            File.Delete(path);
            return;
        }
        await WriteAtomicAsync(path, json, ct);
    }

    /// <summary>Writes a temporary file beside <paramref name="path"/> in the library's folder, then renames it over
    /// the target, so readers never see half a file.</summary>
    private async Task WriteAtomicAsync(string path, string text, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var temp = Path.Combine(Directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():n}.tmp");
        try
        {
            await File.WriteAllTextAsync(temp, text, ct);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The layout sidecar's path of <paramref name="name"/> (beside its YAML file).</summary>
    public string LayoutFileOf(string name) => Path.ChangeExtension(PathOf(name), ".layout.json");

    /// <summary>Largest layout sidecar read (a sidecar is a few bytes per stage).</summary>
    private const int MaxLayoutBytes = 1 << 20;

    /// <summary>Writes a file that must not exist yet (created exclusively, so two creators never both win).</summary>
    private async Task WriteNewAsync(string name, string text, CancellationToken ct)
    {
        var path = PathOf(name);
        System.IO.Directory.CreateDirectory(Directory);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new ConflictException($"a workflow '{name}' already exists");
        }
        await using (stream)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        }
    }

    /// <summary>
    /// The diagnostics <c>tbrmflow validate</c> reports for this text: parser and validator
    /// (TF0001-TF0031, sorted by position), then the planning check (TF0030 at 1:1) when those pass.
    /// </summary>
    /// <param name="yaml">The workflow text.</param>
    /// <param name="name">Only for messages; may be empty.</param>
    /// <remarks>Bounded like the command line by the <see cref="WorkflowLimits"/>, and in time by <see cref="WorkflowLimits.ValidationTimeoutSeconds"/>.</remarks>
    public IReadOnlyList<DiagnosticDto> Validate(string yaml, string name)
    {
        _ = name;
        WorkflowDefinition? workflow;
        IReadOnlyList<Diagnostic> diagnostics;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(WorkflowLimits.ValidationTimeoutSeconds));
        try
        {
            (workflow, diagnostics) = WorkflowValidator.Load(yaml, catalog, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return [new DiagnosticDto("error", DiagnosticCodes.Limit, 1, 1,
                $"validation stopped after {WorkflowLimits.ValidationTimeoutSeconds} s {WorkflowLimits.Cite(nameof(WorkflowLimits.ValidationTimeoutSeconds), WorkflowLimits.ValidationTimeoutSeconds)}")];
        }
        var result = diagnostics.Select(ToDto).ToList();
        if (workflow is not null && PlanCheck.Run(workflow).Error is { } error)
        {
            result.Add(new DiagnosticDto("error", PlanCheck.Code, 1, 1, error));
        }
        return result;
    }

    /// <summary>
    /// Throws when <paramref name="diagnostics"/> (of <paramref name="yaml"/>) say the text breaks a limit (a TF0040 error):
    /// 413 when the text is larger than <see cref="WorkflowLimits.MaxDocumentBytes"/>, else 422.
    /// </summary>
    /// <exception cref="LimitExceededException">The text breaks a limit.</exception>
    public static void RejectBeyondLimits(string yaml, IReadOnlyList<DiagnosticDto> diagnostics)
    {
        var limits = diagnostics.Where(d => d.Code == DiagnosticCodes.Limit && d.Severity == "error").ToList();
        if (limits.Count == 0)
        {
            return;
        }
        var status = Encoding.UTF8.GetByteCount(yaml) > WorkflowLimits.MaxDocumentBytes ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status422UnprocessableEntity;
        throw new LimitExceededException(status, $"{limits[0].Line}:{limits[0].Column}: {limits[0].Message}", limits);
    }

    /// <summary>True when <paramref name="name"/> has the allowed form (<see cref="NamePattern"/>).</summary>
    public static bool IsValidName(string? name) => name is { Length: > 0 and <= 100 } && NameRegex().IsMatch(name);

    /// <summary>Throws unless <paramref name="name"/> is allowed.</summary>
    /// <exception cref="InvalidInputException">The name is not allowed.</exception>
    public static void CheckName(string? name, string field = "name")
    {
        if (!IsValidName(name))
        {
            throw new InvalidInputException(field, $"'{name}' is not a workflow name: use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit (at most 100 characters)", [NamePattern]);
        }
    }

    /// <summary>The full path of workflow <paramref name="name"/> (it may not exist).</summary>
    /// <exception cref="InvalidInputException">The name is not allowed.</exception>
    public string FileOf(string name) => PathOf(name);

    /// <summary>The file of <paramref name="name"/>, checked to lie directly in the folder.</summary>
    private string PathOf(string name)
    {
        CheckName(name);
        var path = Path.GetFullPath(Path.Combine(Directory, name + Extension));
        if (!string.Equals(Path.GetDirectoryName(path), Path.GetFullPath(Directory).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
        {
            throw new InvalidInputException("name", $"'{name}' is outside the workflows folder", [NamePattern]);
        }
        return path;
    }

    /// <summary>A file's title and description, parsed once per version (last write time and size) of the file.</summary>
    private WorkflowFileInfo Describe(string file, string name)
    {
        var info = new FileInfo(file);
        var version = (info.LastWriteTimeUtc, info.Length);
        if (_described.TryGetValue(file, out var known) && known.Version == version)
        {
            return known.Info;
        }
        string? title = null, description = null;
        try
        {
            if (WorkflowText.TryRead(file, out var text, out _))
            {
                var workflow = WorkflowParser.TryParse(text, []);
                title = workflow?.Name;
                description = workflow?.Description;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        var described = new WorkflowFileInfo(name, title, description, info.LastWriteTimeUtc, info.Length);
        _described[file] = (version, described);
        return described;
    }

    private static DiagnosticDto ToDto(Diagnostic d) =>
        new(d.IsWarning ? "warning" : "error", d.Code, d.Location.Line, d.Location.Column, d.Message);

    [GeneratedRegex("[^a-z0-9-]", RegexOptions.CultureInvariant)]
    private static partial Regex TitleChars();

    // \z rather than $: '$' would also accept a trailing newline.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();
}
