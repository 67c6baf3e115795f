using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;

namespace TbrmFlow.Workflows.Tests;

public sealed class ParserTests
{
    private static WorkflowDefinition Parse(string text) => WorkflowParser.Parse(text, "t.yaml");

    [Fact]
    public void ParsesEveryStageField_AndAppliesDefaults()
    {
        var wf = Parse("""
            name: full
            params:
              lr: { type: float, default: 0.1, description: step size, allowed: [0.1, 0.2] }
              seed: 3
            defaults: { retry: 4, timeout: 1h30m, resources: { gpu: 1 } }
            stages:
              a:
                uses: t.train@2
                description: trains
                needs: [b]
                if: "${{ params.seed > 1 }}"
                with: { lr: "${{ params.lr }}", steps: 5 }
                retry: { attempts: 3, backoff: 500ms }
                cache: false
                resources: { gpu: 2, cpu: 1.5, memory_gb: 4 }
              b: { uses: t.data }
            """);
        var lr = wf.Params[0];
        Assert.Equal(("lr", "float", "step size", 2), (lr.Name, lr.Type, lr.Description, lr.Allowed!.Count));
        Assert.Equal(0.1, lr.Default!.GetValue<double>());
        Assert.Equal(3, wf.Params[1].Default!.GetValue<long>());
        var a = wf.Stages[0];
        Assert.Equal(("t.train", 2, "trains"), (a.Uses, a.Version, a.Description));
        Assert.Equal(["b"], a.Needs);
        Assert.Equal(new RetryPolicy(3, TimeSpan.FromMilliseconds(500)), a.Retry);
        Assert.Equal(TimeSpan.FromMinutes(90), a.Timeout);
        Assert.False(a.Cache);
        Assert.Equal(new ResourceRequest(2, 1.5, 4), a.Resources);
        Assert.Equal(5, a.With["steps"]!.GetValue<long>());
        var b = wf.Stages[1];
        Assert.Equal(4, b.Retry.Attempts);
        Assert.Equal(TimeSpan.FromMinutes(90), b.Timeout);
        Assert.Equal(1, b.Resources.Gpu);
        Assert.Equal(new SourceLocation(12, 11), a.LocationOf("with"));
        Assert.Equal(new SourceLocation(12, 44), a.LocationOf("with.steps"));
    }

    [Fact]
    public void ParsesRepeatStages()
    {
        var wf = Parse("""
            name: r
            stages:
              loop:
                until: "${{ loop.x > 3 }}"
                max: 10
                carry: { x: 0 }
                stages:
                  inc: { uses: t.data }
                next: { x: "${{ loop.x + 1 }}" }
            """);
        var r = wf.Stages.Single().Repeat!;
        Assert.Equal((null, "${{ loop.x > 3 }}", 10), (r.Count, r.Until, r.Max));
        Assert.Equal("inc", r.Stages.Single().Id);
        Assert.Equal("${{ loop.x + 1 }}", r.Next["x"]!.GetValue<string>());
    }

    [Fact]
    public void YamlTyping_QuotedStaysString_PlainIsTyped()
    {
        var with = Parse("name: y\nstages:\n  a: { uses: t.data, with: { a: '1', b: 1, c: 1.5, d: true, e: null, f: [1, x] } }\n").Stages[0].With;
        Assert.Equal("""{"a":"1","b":1,"c":1.5,"d":true,"e":null,"f":[1,"x"]}""", with.ToJsonString());
    }

    [Fact]
    public void Anchors_AndAliases_AreResolved()
    {
        var wf = Parse("name: y\nstages:\n  a: { uses: t.data, with: &w { size: 3 } }\n  b: { uses: t.data, with: *w }\n");
        Assert.Equal(3, wf.Stages[1].With["size"]!.GetValue<long>());
    }

    [Fact]
    public void ParseErrors_ThrowWithEveryDiagnostic()
    {
        var e = Assert.Throws<WorkflowParseException>(() => Parse("name: Bad\nstages:\n  a: { use: t.data }\n"));
        Assert.Equal(["TF0006", "TF0003", "TF0002"], e.Diagnostics.Select(d => d.Code));
    }

    [Fact]
    public void Durations_AcceptSecondsAndUnits()
    {
        Assert.True(Durations.TryParse("90", out var a));
        Assert.True(Durations.TryParse("1h30m", out var b));
        Assert.True(Durations.TryParse("250ms", out var c));
        Assert.False(Durations.TryParse("soon", out _));
        Assert.False(Durations.TryParse("5 m", out _));
        Assert.Equal([90, 5400, 0.25], new[] { a, b, c }.Select(t => t.TotalSeconds));
    }
}
