using Microsoft.AspNetCore.Components;
using TbrmFlow.Server.Charts;
using TbrmFlow.Server.Components.Shared;
using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.Components.Pages;

/// <summary>
/// <c>/runs</c>: the runs of the shared run store, newest first, filtered by workflow and status, with
/// chosen param and metric columns (as MLflow's runs table). Live: run events of this server (the source
/// of the <c>/hubs/runs</c> hub) refresh it within a second; runs started elsewhere (the CLI) appear within 5 s.
/// </summary>
public sealed partial class RunList : IDisposable
{
    /// <summary>Runs listed.</summary>
    public const int Limit = 200;

    /// <summary>Only this workflow.</summary>
    [SupplyParameterFromQuery(Name = "workflow")] public string? WorkflowParam { get; set; }

    /// <summary>Only this status.</summary>
    [SupplyParameterFromQuery(Name = "status")] public string? StatusParam { get; set; }

    /// <summary>Chosen columns, comma separated: <c>param:NAME</c> or <c>metric:INSTANCE: KEY</c>.</summary>
    [SupplyParameterFromQuery(Name = "cols")] public string? ColumnsParam { get; set; }

    private IReadOnlyList<RunSummaryDto> _all = [];
    private List<RunSummaryDto> _shown = [];
    private readonly Dictionary<string, RunValuesDto> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _valuesStatus = new(StringComparer.Ordinal);
    private readonly List<string> _picked = [];
    private List<string> _columns = [];
    private List<string> _paramKeys = [];
    private List<string> _metricKeys = [];
    private string? _workflow;
    private string? _status;
    private bool _picking;
    private bool _columnsChosen;
    private LiveUpdates? _updates;
    private int _ticks;

    /// <inheritdoc />
    protected override void OnInitialized() =>
        _updates = new LiveUpdates(Runs, e => e.Kind is RunEventKind.RunStarted or RunEventKind.RunFinished or RunEventKind.StageState,
            TimeSpan.FromSeconds(1), InvokeAsync, Tick);

    /// <inheritdoc />
    protected override void OnParametersSet()
    {
        _workflow = string.IsNullOrEmpty(WorkflowParam) ? null : WorkflowParam;
        _status = string.IsNullOrEmpty(StatusParam) ? null : StatusParam;
        _columnsChosen = ColumnsParam is not null;
        _columns = [.. (ColumnsParam ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString)];
        Reload();
    }

    private void Tick(bool changed)
    {
        // Events of this server's runs mark the list dirty; every 5 s it is re-read anyway, for CLI runs.
        if (!changed && ++_ticks % 5 != 0)
        {
            return;
        }
        Reload();
        StateHasChanged();
    }

    private void Reload()
    {
        _all = Runs.List(Limit);
        _shown = [.. _all.Where(r => (_workflow is null || r.Workflow == _workflow) && (_status is null || r.Status == _status))];
        // Values of a finished run are read once; a live run's again on every refresh.
        foreach (var run in _shown.Where(r => r.Live || _valuesStatus.GetValueOrDefault(r.Id) != r.Status))
        {
            try
            {
                _values[run.Id] = Runs.Values(run.Id);
                _valuesStatus[run.Id] = run.Status;
            }
            catch (NotFoundException)
            {
                _values.Remove(run.Id);
            }
        }
        var listed = _shown.Select(r => _values.GetValueOrDefault(r.Id)).OfType<RunValuesDto>().ToList();
        _paramKeys = [.. listed.SelectMany(v => v.Params.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        _metricKeys = [.. listed.SelectMany(v => v.Metrics.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (!_columnsChosen)
        {
            _columns = DefaultColumns(listed);
        }
    }

    // Without a choice: the params whose values differ between the listed runs, and each stage's headline metric (as the run page's charts).
    private List<string> DefaultColumns(List<RunValuesDto> listed)
    {
        var differing = _paramKeys.Where(k => listed.Select(v => v.Params.GetValueOrDefault(k)).Distinct().Count() > 1).Take(3).Select(ParamColumn);
        var headline = _metricKeys.Where(k => RunStates.MainMetrics.Contains(k[(k.IndexOf(": ", StringComparison.Ordinal) + 2)..])).Take(3).Select(MetricColumn);
        return [.. differing, .. headline];
    }

    private static string ParamColumn(string key) => "param:" + key;

    private static string MetricColumn(string key) => "metric:" + key;

    private static string ColumnTitle(string column) => column.StartsWith("param:", StringComparison.Ordinal) ? column[6..] : column[7..];

    private static string Cell(RunValuesDto? values, string column) =>
        values is null ? ""
        : column.StartsWith("param:", StringComparison.Ordinal) ? values.Params.GetValueOrDefault(column[6..]) ?? ""
        : values.Metrics.TryGetValue(column[7..], out var v) ? ChartAxis.Label(v) : "";

    private void ToggleColumn(string column, bool on)
    {
        var columns = _columns.Where(c => c != column).ToList();
        if (on)
        {
            columns.Add(column);
        }
        Navigate(_workflow, _status, columns);
    }

    private void Filter(string? workflow, string? status) => Navigate(workflow, status, _columnsChosen ? _columns : null);

    private void Navigate(string? workflow, string? status, IEnumerable<string>? columns)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(workflow))
        {
            query.Add("workflow=" + Uri.EscapeDataString(workflow));
        }
        if (!string.IsNullOrEmpty(status))
        {
            query.Add("status=" + Uri.EscapeDataString(status));
        }
        if (columns is not null)
        {
            // Each column is escaped, then the list: the query value arrives decoded once, and keys may hold commas (evaluate[policy=a,seed=1]).
            query.Add("cols=" + Uri.EscapeDataString(string.Join(',', columns.Select(Uri.EscapeDataString))));
        }
        Nav.NavigateTo("runs" + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
    }

    private void Toggle(string id, bool on)
    {
        _picked.Remove(id);
        if (on)
        {
            _picked.Add(id);
        }
    }

    private void Compare() => Nav.NavigateTo("compare?runs=" + string.Join(',', _picked.Select(Uri.EscapeDataString)));

    /// <inheritdoc />
    public void Dispose() => _updates?.Dispose();
}
