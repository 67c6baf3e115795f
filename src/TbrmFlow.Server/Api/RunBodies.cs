using System.Text.Json;

namespace TbrmFlow.Server.Api;

/// <summary>Body of <c>POST /api/runs</c>.</summary>
/// <param name="Workflow">Workflow name (file name without <c>.yaml</c>).</param>
/// <param name="Params">Parameter overrides. A string is read exactly like the CLI's <c>-p name=value</c> value (typed like YAML: "2" is a number, "[1,2]" a list); other JSON values are taken as written.</param>
public sealed record StartRunBody(string? Workflow, Dictionary<string, JsonElement>? Params);

/// <summary>Answer to a start or resume.</summary>
/// <param name="Id">The run id.</param>
public sealed record RunStartedDto(string Id);

/// <summary>The log of a stage instance.</summary>
/// <param name="RunId">The run.</param>
/// <param name="InstanceId">The stage instance.</param>
/// <param name="Lines">Lines in order, each with its UTC time.</param>
public sealed record StageLogsDto(string RunId, string InstanceId, IReadOnlyList<TbrmFlow.Engine.Running.StageLogLine> Lines);
