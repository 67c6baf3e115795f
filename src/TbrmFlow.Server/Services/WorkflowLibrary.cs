using System.Text.RegularExpressions;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Engine.Planning;
using TbrmFlow.Workflows.Parsing;
using TbrmFlow.Workflows.Validation;

namespace TbrmFlow.Server.Services;

/// <summary>
/// The workflows folder: <c>NAME.yaml</c> files, listed, read, written atomically, deleted and
/// validated exactly as <c>tbrmflow validate</c> does. Names never leave the folder.
/// </summary>
/// <param name="options">Where the folder is.</param>
/// <param name="catalog">Known activities, for validation.</param>
public sealed partial class WorkflowLibrary(ServerOptions options, ActivityCatalog catalog)
{
    /// <summary>The allowed form of a workflow name.</summary>
    public const string NamePattern = "^[a-z0-9][a-z0-9._-]*$";

    private const string Extension = ".yaml";

    /// <summary>The folder (full path).</summary>
    public string Directory => options.WorkflowsDirectory;

    /// <summary>Every workflow file, by name. Files that do not parse are listed with a null title.</summary>
    public IReadOnlyList<WorkflowFileInfo> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }
        return System.IO.Directory.EnumerateFiles(Directory, "*" + Extension)
            .Select(f => (File: f, Name: Path.GetFileNameWithoutExtension(f)))
            .Where(f => IsValidName(f.Name))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => Describe(f.File, f.Name))
            .ToList();
    }

    /// <summary>The YAML text of <paramref name="name"/>, or null when there is no such file.</summary>
    /// <exception cref="InvalidInputException">The name is not allowed.</exception>
    public string? Read(string name)
    {
        var path = PathOf(name);
        try
        {
            return File.ReadAllText(path);
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

    /// <summary>Writes <paramref name="yaml"/> as <paramref name="name"/>: a temporary file in the same folder, then a rename, so readers never see half a file.</summary>
    /// <exception cref="InvalidInputException">The name is not allowed.</exception>
    public async Task WriteAsync(string name, string yaml, CancellationToken ct)
    {
        var path = PathOf(name);
        System.IO.Directory.CreateDirectory(Directory);
        var temp = Path.Combine(Directory, $".{name}.{Guid.NewGuid():n}.tmp");
        try
        {
            await File.WriteAllTextAsync(temp, yaml, ct);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Deletes <paramref name="name"/>; false when there was no such file.</summary>
    /// <exception cref="InvalidInputException">The name is not allowed.</exception>
    public bool Delete(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            return false;
        }
        File.Delete(path);
        return true;
    }

    /// <summary>
    /// The diagnostics <c>tbrmflow validate</c> reports for this text: parser and validator
    /// (TF0001-TF0031, sorted by position), then the planning check (TF0030 at 1:1) when those pass.
    /// </summary>
    /// <param name="yaml">The workflow text.</param>
    /// <param name="name">Only for messages; may be empty.</param>
    public IReadOnlyList<DiagnosticDto> Validate(string yaml, string name)
    {
        _ = name;
        var (workflow, diagnostics) = WorkflowValidator.Load(yaml, catalog);
        var result = diagnostics.Select(ToDto).ToList();
        if (workflow is not null && PlanCheck.Run(workflow).Error is { } error)
        {
            result.Add(new DiagnosticDto("error", PlanCheck.Code, 1, 1, error));
        }
        return result;
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

    private static WorkflowFileInfo Describe(string file, string name)
    {
        var info = new FileInfo(file);
        string? title = null, description = null;
        try
        {
            var workflow = WorkflowParser.TryParse(File.ReadAllText(file), []);
            title = workflow?.Name;
            description = workflow?.Description;
        }
        catch (IOException)
        {
        }
        return new WorkflowFileInfo(name, title, description, info.LastWriteTimeUtc, info.Length);
    }

    private static DiagnosticDto ToDto(Diagnostic d) =>
        new(d.IsWarning ? "warning" : "error", d.Code, d.Location.Line, d.Location.Column, d.Message);

    // \z rather than $: '$' would also accept a trailing newline.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();
}
