using TbrmFlow.Plugins.Rl.Losses;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Tests.Losses;

public sealed class PolicyLossTests
{
    [Fact]
    public void Masked_SumTokenMeanAndWhiten_MatchHandValues()
    {
        // x = [[1, 2, 3], [4, 5, 6]], m = [[1, 1, 0], [1, 0, 0]]: sums [3, 4], token-mean 7/3
        var x = T.F([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var m = T.F([1f, 1f, 0f, 1f, 0f, 0f], 2, 3);
        T.Close([3, 4], Masked.Sum(x, m));
        T.Close(7.0 / 3, Masked.TokenMean(x, m));
        // valid [1, 2, 4]: mean 7/3, unbiased var = ((4/3)^2 + (1/3)^2 + (5/3)^2) / 2 = (42/9) / 2 = 7/3
        T.Close(7.0 / 3, Masked.Variance(x, m));
        var s = Math.Sqrt(7.0 / 3);
        T.Close([(1 - 7.0 / 3) / s, (2 - 7.0 / 3) / s, 0, (4 - 7.0 / 3) / s, 0, 0], Masked.Whiten(x, m), 1e-4);
        T.Close([2, 3, 0, 5, 6, 0], Masked.Next(x));
    }

    [Fact]
    public void TokenScores_LogProbsLseEntropyAndK3_MatchHandValues()
    {
        // logits [0, ln 3] at one position, token 1: lse = ln 4, lp = ln 3 - ln 4
        var logits = T.F([0f, (float)Math.Log(3)], 1, 1, 2);
        var (lp, lse) = TokenScores.LogProbsAndLse(logits, tensor(new long[] { 1 }).reshape(1, 1));
        T.Close(Math.Log(4), lse);
        T.Close(Math.Log(0.75), lp);
        // temperature 2 on logits [0, 2 ln 3] gives the same distribution
        var (lp2, _) = TokenScores.LogProbsAndLse(logits * 2, tensor(new long[] { 1 }).reshape(1, 1), 2.0);
        T.Close(Math.Log(0.75), lp2);
        // entropy of [1/4, 3/4] = -(0.25 ln 0.25 + 0.75 ln 0.75); of a uniform 4-way distribution = ln 4
        T.Close(-(0.25 * Math.Log(0.25) + 0.75 * Math.Log(0.75)), TokenScores.Entropy(logits));
        T.Close(Math.Log(4), TokenScores.Entropy(zeros(1, 1, 4)));
        // k3 with ref - lp = ln 2: 2 - ln 2 - 1 = 0.306853; with -ln 2: 0.5 + ln 2 - 1 = 0.193147
        var ln2 = (float)Math.Log(2);
        T.Close([0.306853, 0.193147, 0.0], TokenScores.KlK3(T.F([0f, ln2, 1f], 1, 3), T.F([ln2, 0f, 1f], 1, 3)));
    }

    [Fact]
    public void GroupAdvantages_NormaliseWithinEachGroup()
    {
        // group 1 [1, 0, 0, 0]: mean 0.25, unbiased std sqrt((0.5625 + 3 * 0.0625) / 3) = 0.5
        //   -> [1.5, -0.5, -0.5, -0.5]; group 2 all 1: std 0 -> 0 / 1e-6 = 0
        var adv = Advantages.Group(tensor(new[] { 1f, 0f, 0f, 0f, 1f, 1f, 1f, 1f }), 4);
        T.Close([1.5, -0.5, -0.5, -0.5, 0, 0, 0, 0], adv, 1e-4);
        T.Close([1, 0], Advantages.Group(tensor(new[] { 1f, 0f }), 1));
        Assert.Throws<ArgumentException>(() => Advantages.Group(tensor(new[] { 1f, 0f, 1f }), 2));
    }

    [Fact]
    public void ClippedSurrogate_MatchesHandValues()
    {
        // rho = [1.5, 0.5, 1], A = [1, -1, 2]:
        //   t0: max(-1.5, -1.2) = -1.2 (clipped); t1: max(0.5, 0.8) = 0.8 (clipped); t2: -2
        //   loss = (-1.2 + 0.8 - 2) / 3 = -0.8; clip_frac = 2/3
        var lp = T.F([(float)Math.Log(1.5), (float)Math.Log(0.5), 0f], 1, 3);
        var result = PolicyLoss.ClippedSurrogate(lp, zeros(1, 3), T.F([1f, -1f, 2f], 1, 3), ones(1, 3), 0.2);
        T.Close(-0.8, result.Loss);
        T.Close(2.0 / 3, result.Metrics["clip_frac"]);
    }

    [Fact]
    public void ClippedSurrogate_Gradient_IsZeroWhereTheClipBinds_AndFullWhereItDoesNot()
    {
        // Same tokens as above: t0 (rho 1.5, A 1) and t1 (rho 0.5, A -1) take the clipped branch -> no gradient;
        // t2 (rho 1, A 2): d/dlp of -A exp(lp) / 3 = -2/3.
        var lp = T.F([(float)Math.Log(1.5), (float)Math.Log(0.5), 0f], 1, 3).requires_grad_();
        PolicyLoss.ClippedSurrogate(lp, zeros(1, 3), T.F([1f, -1f, 2f], 1, 3), ones(1, 3), 0.2).Loss.backward();
        T.Close([0, 0, -2.0 / 3], lp.grad!, 1e-5);
        // Beyond the clip range on the side that makes the loss worse (rho 1.5, A -1): max(1.5, 1.2) keeps the
        // unclipped term, so the gradient stays -A rho = 1.5 (PPO's pessimistic bound).
        var worse = T.F([(float)Math.Log(1.5)], 1, 1).requires_grad_();
        var result = PolicyLoss.ClippedSurrogate(worse, zeros(1, 1), T.F([-1f], 1, 1), ones(1, 1), 0.2);
        result.Loss.backward();
        T.Close(1.5, result.Loss);
        T.Close([1.5], worse.grad!, 1e-5);
        T.Close(0.0, result.Metrics["clip_frac"]);
    }

    [Fact]
    public void GrpoLoss_AddsK3PenaltyToTheSurrogate()
    {
        // lp = old = 0 (rho = 1), A = [2] on 2 tokens -> surrogate -2; ref - lp = [ln 2, 0] -> k3 = [0.306853, 0]
        // token-mean k3 = 0.153426; loss = -2 + 0.1 * 0.153426 = -1.984657
        var result = GrpoLoss.Compute(zeros(1, 2), zeros(1, 2), T.F([(float)Math.Log(2), 0f], 1, 2), tensor(new[] { 2f }), ones(1, 2), 0.2, 0.1);
        T.Close(-1.984657, result.Loss);
        T.Close(0.153426, result.Metrics["kl"]);
    }

    [Fact]
    public void PpoLosses_MatchHandValues()
    {
        // actor: rho = 1, A = [1, 3] -> surrogate -2; entropy [1, 2] -> mean 1.5; loss = -2 - 0.1 * 1.5 = -2.15
        var actor = PpoLoss.Actor(zeros(1, 2), zeros(1, 2), T.F([1f, 3f], 1, 2), T.F([1f, 2f], 1, 2), ones(1, 2), 0.2, 0.1);
        T.Close(-2.15, actor.Loss);
        // value: V = [1, 2], V_old = [0, 2], R = [1, 0], clip 0.5:
        //   t0: V_clip = 0.5 -> max(0, 0.25) = 0.25; t1: max(4, 4) = 4; loss = 0.5 * (4.25 / 2) = 1.0625
        var value = ValueLoss.Clipped(T.F([1f, 2f], 1, 2), T.F([0f, 2f], 1, 2), T.F([1f, 0f], 1, 2), ones(1, 2), 0.5);
        T.Close(1.0625, value.Loss);
        T.Close(0.5, value.Metrics["value_clip_frac"]);
    }

    [Fact]
    public void Gae_MatchesHandValues()
    {
        // gamma = lambda = 1: A_t = (sum of rewards from t) - V_t, returns = reward-to-go.
        //   row 0: r [0, 0, 1], V [0.5, 0.2, 0.9] -> A [0.5, 0.8, 0.1], R [1, 1, 1]
        //   row 1: r [0, 1, 0], V [0.3, 0.6, 7] (t2 padding) -> A [0.7, 0.4, 0], R [1, 1, 0]
        var rewards = T.F([0f, 0f, 1f, 0f, 1f, 0f], 2, 3);
        var values = T.F([0.5f, 0.2f, 0.9f, 0.3f, 0.6f, 7f], 2, 3);
        var mask = T.F([1f, 1f, 1f, 1f, 1f, 0f], 2, 3);
        var (adv, ret) = Advantages.Gae(rewards, values, mask);
        T.Close([0.5, 0.8, 0.1, 0.7, 0.4, 0], adv);
        T.Close([1, 1, 1, 1, 1, 0], ret);
        // gamma 0.5, lambda 1, row 0: delta2 = 0.1, A2 = 0.1; delta1 = 0.5 * 0.9 - 0.2 = 0.25, A1 = 0.25 + 0.05 = 0.3;
        //   delta0 = 0.5 * 0.2 - 0.5 = -0.4, A0 = -0.4 + 0.5 * 0.3 = -0.25
        var (adv2, _) = Advantages.Gae(rewards, values, mask, gamma: 0.5, lambda: 1.0);
        T.Close([-0.25, 0.3, 0.1], adv2.select(0, 0));
    }

    [Fact]
    public void PpoTokenRewards_PutOutcomeOnLastTokenAndKlOnEvery()
    {
        // r = 1, old - ref = [0.5, -1], kl 0.1: [-0.05, 1 + 0.1] ; padding stays 0
        var tokenRewards = Advantages.TokenRewards(tensor(new[] { 1f }), T.F([-1f, -2f, 0f], 1, 3), T.F([-1.5f, -1f, 0f], 1, 3), T.F([1f, 1f, 0f], 1, 3), 0.1);
        T.Close([-0.05, 1.1, 0], tokenRewards);
    }
}
