using System.Text.Json.Nodes;
using TbrmFlow.Engine.Running;
using TbrmFlow.Workflows.Model;

namespace TbrmFlow.Engine.Planning;

/// <summary>The planning check of <c>tbrmflow validate</c> (and the server's validate endpoint): default parameters bind and the plan can be made.</summary>
public static class PlanCheck
{
    /// <summary>The diagnostic code reported when planning fails.</summary>
    public const string Code = "TF0030";

    /// <summary>The number of stage instances of the plan with default parameters, or the reason it cannot be made.</summary>
    public static (int Instances, string? Error) Run(WorkflowDefinition workflow)
    {
        try
        {
            var scope = new JsonObject
            {
                ["params"] = WorkflowRunner.BindParams(workflow, new Dictionary<string, JsonNode?>()),
                ["run"] = new JsonObject { ["id"] = "validate" },
            };
            return (RunPlanner.Plan(workflow.Stages, scope).Count, null);
        }
        catch (StageInputException e)
        {
            return (0, e.Message);
        }
    }
}
