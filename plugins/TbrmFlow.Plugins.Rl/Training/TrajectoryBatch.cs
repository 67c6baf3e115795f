using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Training;

/// <summary>
/// Trajectories as padded tensors (TBRM.md section 3): prompts left-padded to P, responses
/// right-padded to T, so position P - 1 predicts response token 0 in every row.
/// </summary>
public sealed class TrajectoryBatch
{
    private TrajectoryBatch(Tensor tokens, Tensor attention, Tensor responseTokens, Tensor mask, Tensor oldLogProbs, Tensor rewards, int promptLength)
    {
        Tokens = tokens;
        Attention = attention;
        ResponseTokens = responseTokens;
        Mask = mask;
        OldLogProbs = oldLogProbs;
        Rewards = rewards;
        PromptLength = promptLength;
    }

    /// <summary>long [B, P + T].</summary>
    public Tensor Tokens { get; }

    /// <summary>long [B, P + T], 1 for real tokens.</summary>
    public Tensor Attention { get; }

    /// <summary>long [B, T] response ids (pad after the end).</summary>
    public Tensor ResponseTokens { get; }

    /// <summary>float [B, T] 1 up to and including the last response token.</summary>
    public Tensor Mask { get; }

    /// <summary>float [B, T] sampling log-probs (0 at padding).</summary>
    public Tensor OldLogProbs { get; }

    /// <summary>float [B] rewards.</summary>
    public Tensor Rewards { get; }

    /// <summary>P, the padded prompt length.</summary>
    public int PromptLength { get; }

    /// <summary>B.</summary>
    public long Size => Tokens.shape[0];

    /// <summary>T.</summary>
    public long ResponseLength => Mask.shape[1];

    /// <summary>Pads <paramref name="trajectories"/> into tensors on <paramref name="device"/>.</summary>
    public static TrajectoryBatch Build(IReadOnlyList<Trajectory> trajectories, int padId, Device? device = null)
    {
        var b = trajectories.Count;
        var p = trajectories.Max(t => t.PromptTokens.Length);
        var len = trajectories.Max(t => t.ResponseTokens.Length);
        var tokens = new long[b * (p + len)];
        var attention = new long[b * (p + len)];
        var response = new long[b * len];
        var mask = new float[b * len];
        var old = new float[b * len];
        var rewards = new float[b];
        Array.Fill(tokens, padId);
        Array.Fill(response, padId);
        for (var i = 0; i < b; i++)
        {
            var t = trajectories[i];
            var row = i * (p + len);
            var offset = p - t.PromptTokens.Length;
            for (var j = 0; j < t.PromptTokens.Length; j++)
            {
                tokens[row + offset + j] = t.PromptTokens[j];
                attention[row + offset + j] = 1;
            }
            for (var j = 0; j < t.ResponseTokens.Length; j++)
            {
                tokens[row + p + j] = t.ResponseTokens[j];
                attention[row + p + j] = 1;
                response[(i * len) + j] = t.ResponseTokens[j];
                mask[(i * len) + j] = 1f;
                old[(i * len) + j] = t.LogProbs[j];
            }
            rewards[i] = (float)t.Reward;
        }
        var dev = device ?? CPU;
        return new TrajectoryBatch(
            tensor(tokens, [b, p + len], device: dev),
            tensor(attention, [b, p + len], device: dev),
            tensor(response, [b, len], device: dev),
            tensor(mask, [b, len], device: dev),
            tensor(old, [b, len], device: dev),
            tensor(rewards, [b], device: dev),
            p);
    }

    /// <summary>
    /// Joins sampled tensors without a host round trip: prompts long [B, P] + mask [B, P] (left-padded),
    /// responses long [B, T] + float mask [B, T] (right-padded), sampling log-probs [B, T], rewards [B].
    /// </summary>
    public static TrajectoryBatch FromTensors(Tensor promptTokens, Tensor promptMask, Tensor responseTokens, Tensor responseMask, Tensor logProbs, Tensor rewards)
    {
        var tokens = cat([promptTokens, responseTokens], 1);                                                   // [B, P+T]
        var attention = cat([promptMask.to_type(ScalarType.Int64), responseMask.gt(0).to_type(ScalarType.Int64)], 1); // [B, P+T]
        var mask = responseMask.to_type(ScalarType.Float32);                                                   // [B, T]
        return new TrajectoryBatch(tokens, attention, responseTokens.alias(), mask, logProbs * mask, rewards.to_type(ScalarType.Float32), (int)promptTokens.shape[1]);
    }

    /// <summary>The same trajectories with other old log-probs (float [B, T], 0 at padding).</summary>
    public TrajectoryBatch WithOldLogProbs(Tensor oldLogProbs) =>
        new(Tokens, Attention, ResponseTokens, Mask, oldLogProbs, Rewards, PromptLength);

    /// <summary>Rows [start, start + count) as views (a micro-batch).</summary>
    public TrajectoryBatch Rows(long start, long count) => new(
        Tokens.narrow(0, start, count), Attention.narrow(0, start, count), ResponseTokens.narrow(0, start, count),
        Mask.narrow(0, start, count), OldLogProbs.narrow(0, start, count), Rewards.narrow(0, start, count), PromptLength);
}
