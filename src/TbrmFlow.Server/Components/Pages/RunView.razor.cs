using Microsoft.AspNetCore.Components;
using TbrmFlow.Server.Components.Shared;
using TbrmFlow.Server.Designer;
using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.Components.Pages;

/// <summary>
/// <c>/runs/{id}</c>: the workflow graph with live stage states, and tabs for the overview (run info,
/// parameters, stages, main metric charts), logs, metric charts, artifacts and the workflow as it ran.
/// Live events (<see cref="RunService.Subscribe"/>, the source of the <c>/hubs/runs</c> hub) mark the view
/// dirty and append metric points; a 400 ms timer re-reads the run and renders at most that often.
/// </summary>
public sealed partial class RunView
{
    private static readonly string[] Tabs = ["overview", "logs", "metrics", "artifacts", "workflow"];

    /// <summary>The run id.</summary>
    [Parameter] public string Id { get; set; } = "";

    /// <summary>The open tab (query <c>tab</c>).</summary>
    [SupplyParameterFromQuery(Name = "tab")] public string? TabParam { get; set; }

    /// <summary>The selected stage path (query <c>stage</c>).</summary>
    [SupplyParameterFromQuery(Name = "stage")] public string? StageParam { get; set; }

    private RunDetailDto? _run;
    private string? _loadedId;
    private WorkflowGraph _graph = new();
    private Dictionary<string, NodeRunState> _states = new(StringComparer.Ordinal);
    private readonly List<MetricPointDto> _live = [];
    private readonly HashSet<(string, string, long)> _seen = [];
    private IReadOnlyList<MetricPointDto> _points = [];
    private string? _selected;
    private string _tab = "overview";
    private string? _message;
    private int _version;
    private LiveUpdates? _updates;

    private IReadOnlyList<StageDto> Visible => _selected is null ? _run!.Stages : [.. _run!.Stages.Where(s => RunStates.PathOf(s.InstanceId) == _selected)];

    /// <inheritdoc />
    protected override void OnParametersSet()
    {
        _tab = Tabs.Contains(TabParam) ? TabParam! : "overview";
        _selected = string.IsNullOrEmpty(StageParam) ? null : StageParam;
        if (_loadedId == Id)
        {
            return;
        }
        _loadedId = Id;
        _updates?.Dispose();
        lock (_live)
        {
            _live.Clear();
            _seen.Clear();
        }
        _run = Runs.Get(Id);
        if (_run is null)
        {
            return;
        }
        _graph = RunGraph.Build(_run, Catalog, Library);
        // Subscribe before reading the history; points seen twice (step, key, instance) are kept once.
        _updates = new LiveUpdates(Runs, OnEvent, TimeSpan.FromMilliseconds(400), InvokeAsync, Tick);
        try
        {
            Append(Runs.Metrics(Id, null, null));
        }
        catch (NotFoundException)
        {
            // no history
        }
        Refresh();
    }

    private bool OnEvent(RunEventDto e)
    {
        if (e.RunId != Id)
        {
            return false;
        }
        if (e is { Kind: RunEventKind.StageMetrics, InstanceId: { } instance, Metrics: { } metrics, Step: { } step })
        {
            Append(metrics.Select(m => new MetricPointDto(instance, step, m.Key, m.Value)));
        }
        return true;
    }

    private void Append(IEnumerable<MetricPointDto> points)
    {
        lock (_live)
        {
            foreach (var p in points)
            {
                if (_seen.Add((p.InstanceId, p.Key, p.Step)))
                {
                    _live.Add(p);
                }
            }
        }
    }

    private void Tick(bool changed)
    {
        // Events mark changes; while the run is live the timer also polls, so the final state (the run
        // leaving the live set after its last event) is never missed.
        if (!changed && _run?.Summary.Live != true)
        {
            return;
        }
        _run = Runs.Get(Id) ?? _run;
        Refresh();
        StateHasChanged();
    }

    private void Refresh()
    {
        lock (_live)
        {
            _points = [.. _live];
        }
        _version++;
        _states = RunStates.From(_run!, _graph);
        foreach (var group in _points.GroupBy(p => RunStates.PathOf(p.InstanceId)))
        {
            if (!_states.TryGetValue(group.Key, out var state))
            {
                continue;
            }
            var first = group.First().InstanceId;
            var key = RunStates.MainMetrics.FirstOrDefault(k => group.Any(p => p.Key == k));
            if (key is not null)
            {
                state.MetricName = key;
                state.Metric.AddRange(group.Where(p => p.InstanceId == first && p.Key == key).OrderBy(p => p.Step).Select(p => p.Value).TakeLast(200));
            }
        }
    }

    private void Select(string? path)
    {
        _selected = path;
        Nav.NavigateTo(TabUrl(_tab), replace: true);
    }

    private void ShowTab(string tab)
    {
        _tab = tab;
        Nav.NavigateTo(TabUrl(tab), replace: true);
    }

    private string TabUrl(string tab) =>
        $"runs/{Uri.EscapeDataString(Id)}?tab={tab}{(_selected is null ? "" : "&stage=" + Uri.EscapeDataString(_selected))}";

    private static string Title(string tab) => char.ToUpperInvariant(tab[0]) + tab[1..];

    private static string Duration(RunSummaryDto s)
    {
        var seconds = ((s.FinishedAt ?? DateTime.UtcNow) - s.StartedAt).TotalSeconds;
        return seconds < 120 ? $"{seconds:0.0} s" : seconds < 7200 ? $"{seconds / 60:0.0} min" : $"{seconds / 3600:0.0} h";
    }

    private void CancelAsync()
    {
        try
        {
            // A cluster run is cancelled on the cluster; a CLI run of this machine stops only with Ctrl+C in its terminal.
            _message = Runs.Cancel(Id) ? null : "the run is not running in this server (a CLI run stops with Ctrl+C in its terminal)";
            _updates?.MarkDirty();
        }
        catch (ConflictException e)
        {
            _message = e.Message;
        }
    }

    private async Task ResumeAsync()
    {
        try
        {
            await Runs.ResumeAsync(Id, CancellationToken.None);
            _message = null;
            _updates?.MarkDirty();
        }
        catch (Exception e) when (e is ConflictException or NotFoundException or InvalidInputException)
        {
            _message = e.Message;
        }
    }

    private async Task RetryAsync()
    {
        try
        {
            var parameters = _run!.Params.ToDictionary(kv => kv.Key, kv => PropertyPanel.Text(kv.Value), StringComparer.Ordinal);
            var id = await Runs.StartAsync(_run.Summary.Workflow, parameters, CancellationToken.None);
            Nav.NavigateTo($"runs/{Uri.EscapeDataString(id)}");
        }
        catch (Exception e) when (e is ConflictException or NotFoundException or InvalidInputException)
        {
            _message = e.Message;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _updates?.Dispose();
}
