using TbrmFlow.Plugins.Rl.Losses;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Tests.Losses;

public sealed class TbrmLossTests
{
    // Two trajectories, T = 2; the second has one valid token.
    //   lp  = [[-1, -2], [-0.5, -3]]   lse = [[3, 9], [2, 9]]   ref = [[-1.5, -1], [-1, -9]]
    //   m   = [[1, 1], [1, 0]]         r = [1, 0]               beta = 0.5
    private static TbrmBatch Batch(Tensor? refVs1 = null) => new(
        T.F([-1f, -2f, -0.5f, -3f], 2, 2),
        T.F([3f, 9f, 2f, 9f], 2, 2),
        T.F([-1.5f, -1f, -1f, -9f], 2, 2),
        T.F([1f, 1f, 1f, 0f], 2, 2),
        tensor(new[] { 1f, 0f }),
        refVs1);

    [Fact]
    public void Trajectory_MatchesHandComputedValues()
    {
        // traj 0: V = 3, S = (-1 + 1.5) + (-2 + 1) = -0.5, r/beta = 2 -> delta = 0.5
        // traj 1: V = 2, S = (-0.5 + 1) = 0.5 (t = 1 masked), r/beta = 0 -> delta = 2.5
        // loss = (0.25 + 6.25) / 2 = 3.25; delta mean 1.5, population std 1; V(s1) mean 2.5; S mean 0
        var result = TbrmLoss.Trajectory(Batch(), new TbrmOptions { Beta = 0.5 });
        T.Close(3.25, result.Loss);
        T.Close(1.5, result.Metrics["delta_mean"]);
        T.Close(1.0, result.Metrics["delta_std"]);
        T.Close(2.5, result.Metrics["v_s1"]);
        T.Close(0.0, result.Metrics["log_ratio"]);
    }

    [Fact]
    public void Trajectory_RewardScale_MultipliesTheTarget()
    {
        // reward_scale 2: target of traj 0 = 2 * 1 / 0.5 = 4 -> delta0 = 3 - 0.5 - 4 = -1.5
        // loss = (2.25 + 6.25) / 2 = 4.25
        var result = TbrmLoss.Trajectory(Batch(), new TbrmOptions { Beta = 0.5, RewardScale = 2 });
        T.Close(4.25, result.Loss);
    }

    [Fact]
    public void Trajectory_CalibrateV_SubtractsReferenceVs1()
    {
        // V_ref(s1) = [1, 2]: delta0 = (3 - 1) - 0.5 - 2 = -0.5, delta1 = (2 - 2) + 0.5 = 0.5 -> loss 0.25
        var result = TbrmLoss.Trajectory(Batch(tensor(new[] { 1f, 2f })), new TbrmOptions { Beta = 0.5, CalibrateV = true });
        T.Close(0.25, result.Loss);
        Assert.Throws<ArgumentException>(() => TbrmLoss.Trajectory(Batch(), new TbrmOptions { CalibrateV = true }));
    }

    [Fact]
    public void TokenBrm_MatchesHandComputedValues_AndTelescopesToTheTrajectoryResidual()
    {
        // z = lp + lse = [[2, 7], [1.5, 6]]; V(s_{t+1}) m_{t+1} = [[9, 0], [0, 0]]; target on the last token:
        // [[0, 2], [0, 0]]. delta_t = z - ref - V_next - target:
        //   traj 0: t0 = 2 + 1.5 - 9 = -5.5, t1 = 7 + 1 - 0 - 2 = 6 (sum 0.5 = trajectory delta)
        //   traj 1: t0 = 1.5 + 1 = 2.5 (sum 2.5 = trajectory delta)
        // loss = mean_B sum_t delta_t^2 = ((30.25 + 36) + 6.25) / 2 = 36.25
        var result = TbrmLoss.TokenBrm(Batch(), new TbrmOptions { Beta = 0.5 });
        T.Close(36.25, result.Loss);
        T.Close((-5.5 + 6 + 2.5) / 3, result.Metrics["delta_mean"]);
    }

    [Fact]
    public void Variants_ResolveByName_AndUnknownNamesListTheValidOnes()
    {
        T.Close(3.25, TbrmVariants.Get("tbrm")(Batch(), new TbrmOptions { Beta = 0.5 }).Loss);
        T.Close(36.25, TbrmVariants.Get("token_brm")(Batch(), new TbrmOptions { Beta = 0.5 }).Loss);
        var error = Assert.Throws<ArgumentException>(() => TbrmVariants.Get("brm"));
        Assert.Contains("tbrm, token_brm", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loss_IsZero_AtTheOptimum()
    {
        // Random logits; shifting every logit at the first response position by c moves V(s1) by c
        // and leaves all log pi unchanged. Choose c = -delta so that V(s1) + S = r/beta exactly.
        using var generator = new Generator(7);
        var (logits, tokens, mask, rewards, refLp) = RandomInputs(4, 5, 6, generator);
        var options = new TbrmOptions { Beta = 0.05 };
        var before = Score(logits, tokens, mask, rewards, refLp, options);
        Assert.True(T.Scalar(before.Loss) > 1.0);
        var delta = before.Metrics["delta"];
        var shifted = logits.clone();
        shifted.select(1, 0).sub_(delta.unsqueeze(1));
        var after = Score(shifted, tokens, mask, rewards, refLp, options);
        T.Close(0.0, after.Loss, 1e-8);
    }

    [Fact]
    public void Gradient_FlowsThroughVs1_FiniteDifferencesMatchAutograd()
    {
        // A tiny model in float64: logits = features @ W, W [D, V] the parameters.
        using var generator = new Generator(11);
        const int B = 3, L = 4, D = 5, V = 6;
        var features = randn([B, L, D], dtype: ScalarType.Float64, generator: generator);
        var weights = randn([D, V], dtype: ScalarType.Float64, generator: generator).requires_grad_();
        var tokens = randint(0, V, [B, L], generator: generator);
        var mask = tensor(new double[] { 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0 }).reshape(B, L);
        var rewards = tensor(new double[] { 1, 0, 1 });
        var refLp = (-rand([B, L], dtype: ScalarType.Float64, generator: generator) * 2).detach();
        var options = new TbrmOptions { Beta = 0.5 };
        Tensor Loss(Tensor w, bool freezeV)
        {
            var (lp, lse) = TokenScores.LogProbsAndLse(features.matmul(w), tokens);       // [B, T, V] -> [B, T]
            if (freezeV)
            {
                lse = lse.detach();
            }
            return TbrmLoss.Trajectory(new TbrmBatch(lp, lse, refLp, mask, rewards), options).Loss;
        }
        Loss(weights, freezeV: false).backward();
        var autograd = T.Values(weights.grad!);
        using var noGrad = no_grad();
        var frozen = weights.detach().clone().requires_grad_();
        using (enable_grad())
        {
            Loss(frozen, freezeV: true).backward();
        }
        var frozenGrad = T.Values(frozen.grad!);
        const double Eps = 1e-6;
        var maxFrozenGap = 0.0;
        for (var i = 0; i < D * V; i++)
        {
            var plus = weights.detach().clone();
            plus.view(-1)[i] += Eps;
            var minus = weights.detach().clone();
            minus.view(-1)[i] -= Eps;
            var numeric = (T.Scalar(Loss(plus, false)) - T.Scalar(Loss(minus, false))) / (2 * Eps);
            Assert.True(Math.Abs(numeric - autograd[i]) < 1e-5 * Math.Max(1, Math.Abs(numeric)), $"W[{i}]: numeric {numeric}, autograd {autograd[i]}");
            maxFrozenGap = Math.Max(maxFrozenGap, Math.Abs(numeric - frozenGrad[i]));
        }
        // Stopping the gradient at V(s1) gives a different (wrong) gradient: V's path matters.
        Assert.True(maxFrozenGap > 1e-2, $"freezing V changed the gradient by only {maxFrozenGap}");
    }

    /// <summary>Random logits [B, T, V], tokens, right-padded mask with at least one token, 0/1 rewards, ref log-probs.</summary>
    /// <summary>Seeded random loss inputs from <paramref name="g"/> (never the process-wide generator, which other test classes draw from in parallel).</summary>
    internal static (Tensor Logits, Tensor Tokens, Tensor Mask, Tensor Rewards, Tensor RefLp) RandomInputs(int b, int t, int v, Generator g, ScalarType dtype = ScalarType.Float64)
    {
        var logits = randn([b, t, v], dtype: dtype, generator: g) * 3;
        var tokens = randint(0, v, [b, t], generator: g);
        var lengths = randint(1, t + 1, [b, 1], generator: g);
        var mask = arange(t).unsqueeze(0).lt(lengths).to_type(dtype);
        var rewards = randint(0, 2, [b], generator: g).to_type(dtype);
        var refLp = -rand([b, t], dtype: dtype, generator: g) * 3;
        return (logits, tokens, mask, rewards, refLp);
    }

    private static LossResult Score(Tensor logits, Tensor tokens, Tensor mask, Tensor rewards, Tensor refLp, TbrmOptions options)
    {
        var (lp, lse) = TokenScores.LogProbsAndLse(logits, tokens);
        var result = TbrmLoss.Trajectory(new TbrmBatch(lp, lse, refLp, mask, rewards), options);
        var vS1 = lse.select(1, 0);
        var delta = vS1 + Masked.Sum(lp - refLp, mask) - rewards / options.Beta;
        return result with { Metrics = new Dictionary<string, Tensor>(result.Metrics) { ["delta"] = delta } };
    }
}
