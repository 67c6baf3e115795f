using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Workflows.Validation;

namespace TbrmFlow.Workflows.Schema;

/// <summary>
/// The JSON Schema (draft 2020-12) of the workflow language, with one <c>if/then</c> branch per
/// activity type generated from its descriptor (input types, defaults, doc-comment descriptions).
/// </summary>
public static class WorkflowSchema
{
    /// <summary>Builds the schema for the activities in <paramref name="catalog"/>.</summary>
    public static JsonObject Generate(ActivityCatalog catalog)
    {
        var activities = catalog.All;
        var defs = new JsonObject
        {
            ["expression"] = new JsonObject { ["type"] = "string", ["pattern"] = @"\$\{\{.*\}\}", ["description"] = "A ${{ ... }} expression: params.x, stages.<id>.outputs.<name>, matrix.<key>, loop.<name>, run.id" },
            ["duration"] = new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "number", ["minimum"] = 0 }, new JsonObject { ["type"] = "string", ["pattern"] = @"^(\d+(\.\d+)?(ms|s|m|h|d))+$" }), ["description"] = "Seconds, or 500ms, 30s, 5m, 2h, 1h30m" },
            ["param"] = Param(),
            ["retry"] = new JsonObject
            {
                ["description"] = "Attempts in all (1 = no retry), or {attempts, backoff}; the wait doubles after each failed attempt.",
                ["anyOf"] = new JsonArray(
                    new JsonObject { ["type"] = "integer", ["minimum"] = 1 },
                    new JsonObject
                    {
                        ["type"] = "object",
                        ["additionalProperties"] = false,
                        ["properties"] = new JsonObject { ["attempts"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1 }, ["backoff"] = Ref("duration") },
                    }),
            },
            ["resources"] = new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = false,
                ["description"] = "What the stage needs (gpu stages run one at a time by default).",
                ["properties"] = new JsonObject { ["gpu"] = Int(0), ["cpu"] = new JsonObject { ["type"] = "number", ["minimum"] = 0 }, ["memory_gb"] = new JsonObject { ["type"] = "number", ["minimum"] = 0 }, ["queue"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[a-z0-9_]+$", ["description"] = "Cluster mode: the worker queue (default gpu when gpu > 0, else default)." } },
            },
            ["matrix"] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = "One stage instance per cell of the cartesian product; include/exclude as in GitHub Actions.",
                ["properties"] = new JsonObject { ["include"] = ObjectList(), ["exclude"] = ObjectList() },
                ["additionalProperties"] = new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "array", ["minItems"] = 1 }, Ref("expression")) },
            },
            ["stage"] = Stage(activities),
        };
        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://tbrmflow.dev/schemas/workflow.json",
            ["title"] = "TbrmFlow workflow",
            ["type"] = "object",
            ["required"] = new JsonArray("name", "stages"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["name"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[a-z0-9-]+$", ["description"] = "The workflow's name." },
                ["description"] = Text("Free text."),
                ["experiment"] = Text("MLflow experiment; defaults to the name."),
                ["params"] = new JsonObject { ["type"] = "object", ["description"] = "Inputs, overridable with -p name=value.", ["additionalProperties"] = Ref("param") },
                ["defaults"] = new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["description"] = "Stage fields applied to every stage.",
                    ["properties"] = new JsonObject { ["retry"] = Ref("retry"), ["timeout"] = Ref("duration"), ["cache"] = Bool(), ["resources"] = Ref("resources") },
                },
                ["stages"] = new JsonObject
                {
                    ["type"] = "object",
                    ["minProperties"] = 1,
                    ["description"] = "Stages by id; order is display order, execution follows references.",
                    ["propertyNames"] = new JsonObject { ["pattern"] = "^[a-z][a-z0-9_-]*$" },
                    ["additionalProperties"] = Ref("stage"),
                },
            },
            ["$defs"] = defs,
        };
    }

    private static JsonObject Stage(IReadOnlyList<ActivityDescriptor> activities)
    {
        var uses = new JsonArray();
        foreach (var a in activities)
        {
            uses.Add(new JsonObject { ["const"] = a.Type, ["description"] = $"{a.Description} (v{a.Version}, {a.Category})" });
        }
        uses.Add(new JsonObject { ["type"] = "string", ["pattern"] = @"^[a-z0-9_.]+@\d+$", ["description"] = "activity@version" });
        var branches = new JsonArray();
        foreach (var a in activities)
        {
            branches.Add(new JsonObject
            {
                ["if"] = new JsonObject { ["required"] = new JsonArray("uses"), ["properties"] = new JsonObject { ["uses"] = new JsonObject { ["pattern"] = $"^{Regex.Escape(a.Type)}(@\\d+)?$" } } },
                ["then"] = new JsonObject { ["properties"] = new JsonObject { ["with"] = With(a) } },
            });
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["uses"] = new JsonObject { ["description"] = "The activity, optionally @version.", ["anyOf"] = uses },
                ["with"] = new JsonObject { ["type"] = "object", ["description"] = "The activity's inputs." },
                ["needs"] = new JsonObject { ["anyOf"] = new JsonArray(Text("A stage id."), new JsonObject { ["type"] = "array", ["items"] = Text("A stage id.") }), ["description"] = "Explicit dependencies (references add implicit ones)." },
                ["if"] = new JsonObject { ["anyOf"] = new JsonArray(Ref("expression"), Bool()), ["description"] = "False skips the stage (and its dependents)." },
                ["matrix"] = Ref("matrix"),
                ["retry"] = Ref("retry"),
                ["timeout"] = Ref("duration"),
                ["cache"] = Bool(),
                ["resources"] = Ref("resources"),
                ["description"] = Text("Free text."),
                ["repeat"] = new JsonObject { ["anyOf"] = new JsonArray(Int(1), Ref("expression")), ["description"] = "Run the sub-stages N times." },
                ["until"] = Ref("expression"),
                ["max"] = Int(1),
                ["carry"] = new JsonObject { ["type"] = "object", ["description"] = "State carried between iterations (loop.<name>) with initial values." },
                ["stages"] = new JsonObject { ["type"] = "object", ["description"] = "Sub-stages of one iteration.", ["additionalProperties"] = new JsonObject { ["$ref"] = "#/$defs/stage" } },
                ["next"] = new JsonObject { ["type"] = "object", ["description"] = "How carry is updated from sub-stage outputs." },
            },
            ["anyOf"] = new JsonArray(new JsonObject { ["required"] = new JsonArray("uses") }, new JsonObject { ["required"] = new JsonArray("repeat") }, new JsonObject { ["required"] = new JsonArray("until") }),
            ["allOf"] = branches,
        };
    }

    private static JsonObject With(ActivityDescriptor activity)
    {
        var properties = new JsonObject();
        foreach (var input in activity.Inputs)
        {
            var schema = new JsonObject
            {
                ["anyOf"] = new JsonArray(TypeSchema(input.ClrType), Ref("expression")),
                ["description"] = $"{input.Description} ({InputTypes.Describe(input.ClrType)})".Trim(),
            };
            if (!input.Required && input.Default is not null)
            {
                schema["default"] = input.Default.DeepClone();
            }
            properties[input.Name] = schema;
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["description"] = activity.Description,
            ["additionalProperties"] = false,
            ["properties"] = properties,
            ["required"] = new JsonArray([.. activity.Inputs.Where(i => i.Required).Select(i => (JsonNode)JsonValue.Create(i.Name)!)]),
        };
    }

    /// <summary>A JSON Schema for values of an input's CLR type.</summary>
    public static JsonObject TypeSchema(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return InputTypes.Name(type) switch
        {
            "string" => new JsonObject { ["type"] = "string" },
            "int" => new JsonObject { ["type"] = "integer" },
            "float" => new JsonObject { ["type"] = "number" },
            "bool" => new JsonObject { ["type"] = "boolean" },
            "enum" => new JsonObject { ["enum"] = new JsonArray([.. InputTypes.EnumNames(type).Select(n => (JsonNode)JsonValue.Create(n)!)]) },
            "list" => new JsonObject { ["type"] = "array" },
            "object" => new JsonObject { ["type"] = "object" },
            var artifact => new JsonObject { ["type"] = new JsonArray("string", "object"), ["description"] = $"A {artifact}: an upstream output or a path." },
        };
    }

    private static JsonObject Param() => new()
    {
        ["description"] = "A default value, or {type, default, description, allowed}.",
        ["anyOf"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = false,
                ["anyOf"] = new JsonArray(new JsonObject { ["required"] = new JsonArray("type") }, new JsonObject { ["required"] = new JsonArray("default") }),
                ["properties"] = new JsonObject
                {
                    ["type"] = new JsonObject { ["enum"] = new JsonArray("string", "int", "float", "bool", "list", "object") },
                    ["default"] = new JsonObject(),
                    ["description"] = Text("Help text."),
                    ["allowed"] = new JsonObject { ["type"] = "array" },
                },
            },
            new JsonObject { ["type"] = new JsonArray("string", "number", "integer", "boolean", "array", "null") },
            new JsonObject { ["type"] = "object", ["not"] = new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["required"] = new JsonArray("type") }, new JsonObject { ["required"] = new JsonArray("default") }) } }),
    };

    private static JsonObject Ref(string name) => new() { ["$ref"] = "#/$defs/" + name };

    private static JsonObject Text(string description) => new() { ["type"] = "string", ["description"] = description };

    private static JsonObject Bool() => new() { ["type"] = "boolean" };

    private static JsonObject Int(int minimum) => new() { ["type"] = "integer", ["minimum"] = minimum };

    private static JsonObject ObjectList() => new() { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object" } };
}
