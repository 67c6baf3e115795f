namespace TbrmFlow.Workflows.Parsing;

/// <summary>The stable TF#### codes; docs/workflows.md explains each one.</summary>
public static class DiagnosticCodes
{
    /// <summary>The file is not valid YAML or not a mapping.</summary>
    public const string YamlSyntax = "TF0001";
    /// <summary>A required key is missing.</summary>
    public const string MissingKey = "TF0002";
    /// <summary>A key the language does not know.</summary>
    public const string UnknownKey = "TF0003";
    /// <summary>A key appears twice in one mapping.</summary>
    public const string DuplicateKey = "TF0004";
    /// <summary>A value has the wrong shape (e.g. a list where a number belongs).</summary>
    public const string BadValue = "TF0005";
    /// <summary>A workflow name, stage id or parameter name breaks the naming rule.</summary>
    public const string BadName = "TF0006";
    /// <summary>An expression inside <c>${{ }}</c> does not parse.</summary>
    public const string ExpressionSyntax = "TF0007";
    /// <summary>A parameter's declaration is inconsistent (type, default, allowed values).</summary>
    public const string BadParam = "TF0008";
    /// <summary>No activity with this type name.</summary>
    public const string UnknownActivity = "TF0010";
    /// <summary>The activity exists, but not in the version asked for.</summary>
    public const string ActivityVersion = "TF0011";
    /// <summary>A required input is not given.</summary>
    public const string MissingInput = "TF0012";
    /// <summary>An input the activity does not have.</summary>
    public const string UnknownInput = "TF0013";
    /// <summary>An input's literal value has the wrong type.</summary>
    public const string InputType = "TF0014";
    /// <summary>A reference to a stage that does not exist (or is not reachable from here).</summary>
    public const string UnknownStage = "TF0020";
    /// <summary>A reference to an output the stage's activity does not produce.</summary>
    public const string UnknownOutput = "TF0021";
    /// <summary>A reference to an undeclared parameter.</summary>
    public const string UnknownParam = "TF0022";
    /// <summary>Stages depend on each other in a cycle.</summary>
    public const string Cycle = "TF0023";
    /// <summary>An unknown context or name in an expression (<c>matrix.x</c> without that axis, <c>loop.x</c> outside a repeat ...).</summary>
    public const string UnknownName = "TF0024";
    /// <summary>A matrix is malformed (empty axis, include/exclude with unknown keys, no cells left).</summary>
    public const string Matrix = "TF0030";
    /// <summary>A repeat stage is malformed (no count or until, until without max, next for unknown carry ...).</summary>
    public const string Repeat = "TF0031";
    /// <summary>A documented limit is exceeded (size, nesting, alias expansion, matrix cells, repeat count ...); see <see cref="WorkflowLimits"/>.</summary>
    public const string Limit = "TF0040";
    /// <summary>Warning: a declared parameter is never used.</summary>
    public const string UnusedParam = "TF0901";
}
