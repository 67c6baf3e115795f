using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models.Qwen2;

/// <summary>Rotary position embeddings in Hugging Face's "rotate half" layout.</summary>
internal static class Rotary
{
    /// <summary>
    /// cos and sin [B, 1, L, Dh] for positions long [B, L]: angle = position * theta^(-2i/Dh) (scaled by
    /// <c>rope_scaling</c> when given), the Dh/2 frequencies repeated twice along the last axis.
    /// </summary>
    public static (Tensor Cos, Tensor Sin) Angles(Tensor positions, int headDim, double theta, ScalarType dtype, RopeScaling? scaling = null)
    {
        var exponent = arange(0, headDim, 2, ScalarType.Float32, positions.device) / headDim;   // [Dh/2]
        var invFreq = pow(theta, exponent).reciprocal();                                       // [Dh/2]
        if (scaling is not null)
        {
            var scaled = scaling.Apply([.. invFreq.cpu().data<float>().Select(f => (double)f)]);
            invFreq = tensor(scaled, ScalarType.Float64, positions.device).to(ScalarType.Float32); // [Dh/2]
        }
        var freqs = positions.to(ScalarType.Float32).unsqueeze(-1) * invFreq;                   // [B, L, Dh/2]
        var emb = cat([freqs, freqs], -1).unsqueeze(1);                                         // [B, 1, L, Dh]
        return (emb.cos().to(dtype), emb.sin().to(dtype));
    }

    /// <summary>x [B, H, L, Dh] rotated by the angles: x cos + rotate_half(x) sin.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);                                                         // [B, H, L, Dh/2]
        var x2 = x.narrow(-1, half, half);                                                      // [B, H, L, Dh/2]
        var rotated = cat([x2.neg(), x1], -1);                                                  // [B, H, L, Dh]
        return x * cos + rotated * sin;
    }
}
