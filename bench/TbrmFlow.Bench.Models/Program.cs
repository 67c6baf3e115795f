using TbrmFlow.Bench.Models;

var which = args.Length > 0 ? args[0] : "all";
var benches = new Dictionary<string, Action>(StringComparer.Ordinal)
{
    ["generation"] = GenerationBench.Run,
    ["train"] = TrainStepBench.Run,
    ["rl-step"] = RlStepBench.Run,
    ["crosscheck"] = CrossCheckBench.Run,
    ["vs-pytorch"] = VsPyTorchBench.Run,
};
if (which == "all")
{
    foreach (var b in benches.Values)
    {
        b();
    }
    return 0;
}
if (!benches.TryGetValue(which, out var bench))
{
    Console.Error.WriteLine($"unknown benchmark '{which}'; one of: all, {string.Join(", ", benches.Keys)}");
    return 2;
}
bench();
return 0;
