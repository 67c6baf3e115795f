using System.Globalization;
using Microsoft.AspNetCore.Components;
using TbrmFlow.Server.Comparison;
using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.Components.Pages;

/// <summary>
/// <c>/compare?runs=a,b</c>: params and stage inputs side by side (differences highlighted), one chart
/// per stage and metric (stage and metric filters, smoothing, log scale), and final values with the
/// best run by the metric's direction. Every option is in the query string, so a view can be shared.
/// </summary>
public sealed partial class Compare
{
    /// <summary>Comma-separated run ids.</summary>
    [SupplyParameterFromQuery(Name = "runs")] public string? RunsParam { get; set; }

    /// <summary>Only this metric key (empty: every metric but <c>perf/</c> timings).</summary>
    [SupplyParameterFromQuery(Name = "metric")] public string? MetricParam { get; set; }

    /// <summary>Only this stage path.</summary>
    [SupplyParameterFromQuery(Name = "stage")] public string? StageParam { get; set; }

    /// <summary>EMA weight, 0 to 0.99.</summary>
    [SupplyParameterFromQuery(Name = "smooth")] public string? SmoothParam { get; set; }

    /// <summary><c>1</c> for a log y axis.</summary>
    [SupplyParameterFromQuery(Name = "log")] public string? LogParam { get; set; }

    /// <summary><c>0</c> to show every param, not only the differing ones.</summary>
    [SupplyParameterFromQuery(Name = "diff")] public string? DiffParam { get; set; }

    private List<string> _ids = [];
    private IReadOnlyList<RunSummaryDto> _recent = [];
    private ComparisonModel? _model;
    private readonly List<string> _problems = [];
    private string? _metric;
    private string? _stage;
    private double _smoothing;
    private bool _logY;
    private bool _onlyDiff;

    /// <inheritdoc />
    protected override void OnParametersSet()
    {
        _problems.Clear();
        _metric = string.IsNullOrEmpty(MetricParam) ? null : MetricParam;
        _stage = string.IsNullOrEmpty(StageParam) ? null : StageParam;
        _smoothing = double.TryParse(SmoothParam, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? Math.Clamp(s, 0, 0.99) : 0;
        _logY = LogParam == "1";
        _onlyDiff = DiffParam != "0";
        _ids = [.. (RunsParam ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().Take(20)];
        _recent = Runs.List(50);
        var runs = new List<(RunSummaryDto, RunValuesDto, IReadOnlyList<MetricPointDto>)>();
        foreach (var id in _ids)
        {
            try
            {
                var detail = Runs.Get(id) ?? throw new NotFoundException($"no run '{id}'");
                runs.Add((detail.Summary, Runs.Values(id), Runs.Metrics(id, null, null)));
            }
            catch (NotFoundException e)
            {
                _problems.Add(e.Message);
            }
        }
        _model = ComparisonModel.Build(runs);
    }

    private bool Shown(string stage, string key) =>
        (_stage is null || stage == _stage) && (_metric is null ? !key.StartsWith("perf/", StringComparison.Ordinal) : key == _metric);

    private void Go(IEnumerable<string> ids) => Navigate(ids.Where(i => i.Length > 0).Distinct(), _metric, _stage, _smoothing, _logY, _onlyDiff);

    private void Set(string? metric = null, string? stage = null, double? smoothing = null, bool? logY = null, bool? onlyDiff = null) =>
        Navigate(_ids, metric ?? _metric, stage ?? _stage, smoothing ?? _smoothing, logY ?? _logY, onlyDiff ?? _onlyDiff);

    private void Navigate(IEnumerable<string> ids, string? metric, string? stage, double smoothing, bool logY, bool onlyDiff)
    {
        var query = new List<string> { "runs=" + string.Join(',', ids.Select(Uri.EscapeDataString)) };
        if (!string.IsNullOrEmpty(metric))
        {
            query.Add("metric=" + Uri.EscapeDataString(metric));
        }
        if (!string.IsNullOrEmpty(stage))
        {
            query.Add("stage=" + Uri.EscapeDataString(stage));
        }
        if (smoothing > 0)
        {
            query.Add("smooth=" + smoothing.ToString("0.##", CultureInfo.InvariantCulture));
        }
        if (logY)
        {
            query.Add("log=1");
        }
        if (!onlyDiff)
        {
            query.Add("diff=0");
        }
        Nav.NavigateTo("compare?" + string.Join('&', query));
    }
}
