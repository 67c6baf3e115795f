namespace TbrmFlow.Abstractions;

/// <summary>
/// Marks a string input that names a file or directory the activity reads (a path or a <c>file://</c> URL).
/// Artifact inputs (<see cref="Artifacts.ArtifactReference"/>) are paths already and need no mark. When the engine
/// runs with data roots (a run started through the server), it refuses such an input outside them before the
/// activity starts (docs/server.md, "What a run may read").
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class FilePathAttribute : Attribute;
