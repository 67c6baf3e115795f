namespace TbrmFlow.Server.Designer;

/// <summary>TEMPORARY file access for the designer until WorkflowLibrary is merged; deleted then.</summary>
/// <param name="directory">The workflows folder.</param>
public sealed class WorkflowFolder(string directory)
{
    /// <summary>Workflow names (file names without .yaml).</summary>
    public IReadOnlyList<string> List() =>
        [.. Directory.EnumerateFiles(directory, "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)];

    /// <summary>The text of one workflow, or null.</summary>
    public string? Read(string name) => File.Exists(Path.Combine(directory, name + ".yaml")) ? File.ReadAllText(Path.Combine(directory, name + ".yaml")) : null;

    /// <summary>Writes one workflow.</summary>
    public void Write(string name, string text) => File.WriteAllText(Path.Combine(directory, name + ".yaml"), text);
}
