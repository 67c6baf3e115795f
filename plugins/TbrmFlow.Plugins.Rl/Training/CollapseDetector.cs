namespace TbrmFlow.Plugins.Rl.Training;

/// <summary>
/// Watches for the degenerate TBRM solution seen on this machine (NOTES.md): the reward falls to
/// zero while the loss keeps falling, because V(s_1) and the log-ratio cancel on wrong answers.
/// Once no correct answer is sampled nothing pulls the policy back, so it is worth a warning.
/// </summary>
/// <param name="window">Steps compared (the last window against the best earlier reward).</param>
public sealed class CollapseDetector(int window = 10)
{
    private readonly Queue<(double Reward, double Loss)> _recent = new();
    private double _bestReward;
    private double _lossAtBest = double.NaN;
    private bool _warned;

    /// <summary>Adds a step; returns a warning message the first time the pattern appears, else null.</summary>
    public string? Observe(long step, double rewardMean, double loss)
    {
        _recent.Enqueue((rewardMean, loss));
        if (_recent.Count > window)
        {
            _recent.Dequeue();
        }
        if (rewardMean > _bestReward)
        {
            _bestReward = rewardMean;
            _lossAtBest = loss;
        }
        var collapsed = _recent.Count == window && _recent.All(r => r.Reward <= 0.01) && _bestReward >= 0.05;
        var lossFell = !double.IsNaN(_lossAtBest) && _recent.Last().Loss < _lossAtBest;
        if (collapsed && lossFell && !_warned)
        {
            _warned = true;
            return $"step {step}: reward collapsed to ~0 for {window} steps (best was {_bestReward:0.###}) while the loss fell " +
                   $"({_lossAtBest:0.###} -> {_recent.Last().Loss:0.###}): the residual found a degenerate zero " +
                   "(V(s1) cancelled by the log-ratio on wrong answers). Lower the learning rate or raise beta; see docs/tbrm.md.";
        }
        return null;
    }
}
