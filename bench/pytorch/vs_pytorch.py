#!/usr/bin/env python3
"""Side-by-side PyTorch timing of what `TbrmFlow.Bench.Models vs-pytorch DIR` timed in TorchSharp (docs/results.md).

Reads DIR: policy/ (config.json + model.safetensors of a qwen2 model), tbrm.json (token ids, attention mask, prompt
length, response mask, rewards, beta, lr, steps, the C# median step time) and generation.json (prompt ids, new tokens,
the C# tokens/s). Runs with this file's own qwen2 code (independent of the C# one; safetensors parsing and the
rotary/RMSNorm helpers come from crosscheck.py):
- one TBRM step: reference log-probs (no grad), policy forward, float32 log-softmax/logsumexp at the response
  positions, delta = V(s1) + sum m (lp - ref) - r / beta, loss = mean delta^2, backward, clip 1.0, AdamW;
- batched sampling at temperature 1 with a KV cache, a fixed number of new tokens.
Prints both times and TorchSharp / PyTorch ratios (< 1: TorchSharp is faster). Run with /usr/bin/python3.
"""
import json, math, os, statistics, sys, time
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crosscheck import load_safetensors, rms, rotate  # noqa: E402


def rope(cfg, positions):
    d = cfg["hidden_size"] // cfg["num_attention_heads"]
    inv = 1.0 / (cfg.get("rope_theta", 10000.0) ** (torch.arange(0, d, 2).float() / d))
    freqs = positions.float()[..., None] * inv
    emb = torch.cat([freqs, freqs], -1)[:, None]          # [B, 1, L, Dh]
    return emb.cos(), emb.sin()


def hidden_states(w, cfg, tokens, attn, cache=None):
    """tokens [B, L] -> final hidden [B, L, D]; attn [B, past+L] (1 = real); cache: list of (k, v) per layer or None."""
    D, H = cfg["hidden_size"], cfg["num_attention_heads"]
    Hkv = cfg.get("num_key_value_heads", H)
    Dh, eps = D // H, cfg.get("rms_norm_eps", 1e-6)
    B, L = tokens.shape
    past = 0 if cache is None or cache[0] is None else cache[0][0].shape[2]
    pos = (attn.cumsum(1) - 1).clamp(min=0)[:, past:]
    cos, sin = rope(cfg, pos)
    keys = torch.arange(past + L)[None, :]
    queries = torch.arange(past, past + L)[:, None]
    mask = ((keys <= queries)[None] & attn.bool()[:, None, :]) | (keys == queries)[None]
    mask = mask[:, None]                                   # [B, 1, L, past+L]
    x = w["model.embed_tokens.weight"][tokens]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms(x, w[p + "input_layernorm.weight"], eps)
        q = F.linear(h, w[p + "self_attn.q_proj.weight"], w[p + "self_attn.q_proj.bias"]).view(B, L, H, Dh).transpose(1, 2)
        k = F.linear(h, w[p + "self_attn.k_proj.weight"], w[p + "self_attn.k_proj.bias"]).view(B, L, Hkv, Dh).transpose(1, 2)
        v = F.linear(h, w[p + "self_attn.v_proj.weight"], w[p + "self_attn.v_proj.bias"]).view(B, L, Hkv, Dh).transpose(1, 2)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        if cache is not None:
            if cache[i] is not None:
                k = torch.cat([cache[i][0], k], 2)
                v = torch.cat([cache[i][1], v], 2)
            cache[i] = (k, v)
        if H != Hkv:
            k = k.repeat_interleave(H // Hkv, dim=1)
            v = v.repeat_interleave(H // Hkv, dim=1)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(Dh)
        y = scores.masked_fill(~mask, float("-inf")).softmax(-1) @ v
        x = x + F.linear(y.transpose(1, 2).reshape(B, L, D), w[p + "self_attn.o_proj.weight"])
        h = rms(x, w[p + "post_attention_layernorm.weight"], eps)
        x = x + F.linear(F.silu(F.linear(h, w[p + "mlp.gate_proj.weight"])) * F.linear(h, w[p + "mlp.up_proj.weight"]), w[p + "mlp.down_proj.weight"])
    return rms(x, w["model.norm.weight"], eps)


def head(w):
    return w.get("lm_head.weight", w["model.embed_tokens.weight"])


def tbrm_step_ms(w, cfg, d):
    tokens, attn = torch.tensor(d["tokens"]), torch.tensor(d["attention_mask"])
    P, mask = d["prompt_length"], torch.tensor(d["response_mask"])
    T = mask.shape[1]
    rewards, beta = torch.tensor(d["rewards"]), d["beta"]
    responses = tokens[:, P:P + T]
    reference = {k: v.clone() for k, v in w.items()}
    params = {k: v.clone().requires_grad_(True) for k, v in w.items()}
    opt = torch.optim.AdamW(params.values(), lr=d["lr"])

    def scores(weights):
        z = hidden_states(weights, cfg, tokens, attn)[:, P - 1:P + T - 1] @ head(weights).T   # [B, T, V]
        lse = z.float().logsumexp(-1)
        return z.float().gather(-1, responses[..., None]).squeeze(-1) - lse, lse

    def step():
        with torch.no_grad():
            ref, _ = scores(reference)
        lp, lse = scores(params)
        delta = lse[:, 0] + ((lp - ref) * mask).sum(1) - rewards / beta
        loss = delta.square().mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params.values(), 1.0)
        opt.step()

    step()
    times = []
    for _ in range(d["steps"]):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


@torch.no_grad()
def generation_tps(w, cfg, g):
    prompts = torch.tensor(g["prompts"])
    B = prompts.shape[0]
    gen = torch.Generator().manual_seed(1)
    best = 0.0
    for _ in range(g["repeats"]):
        t0 = time.perf_counter()
        cache = [None] * cfg["num_hidden_layers"]
        attn = torch.ones_like(prompts)
        logits = hidden_states(w, cfg, prompts, attn, cache)[:, -1] @ head(w).T
        for _ in range(g["new_tokens"]):
            nxt = torch.multinomial(logits.float().softmax(-1), 1, generator=gen)          # [B, 1]
            attn = torch.cat([attn, torch.ones_like(nxt)], 1)
            logits = hidden_states(w, cfg, nxt, attn, cache)[:, -1] @ head(w).T
        best = max(best, B * g["new_tokens"] / (time.perf_counter() - t0))
    return best


def main(root):
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
    torch.manual_seed(0)
    cfg = json.load(open(os.path.join(root, "policy", "config.json")))
    w = load_safetensors(os.path.join(root, "policy", "model.safetensors"))
    d = json.load(open(os.path.join(root, "tbrm.json")))
    g = json.load(open(os.path.join(root, "generation.json")))
    ms = tbrm_step_ms(w, cfg, d)
    tps = generation_tps(w, cfg, g)
    print(f"vs-pytorch {d['label']}, {torch.get_num_threads()} thread(s), PyTorch {torch.__version__}")
    print(f"  TBRM step (median of {d['steps']})   TorchSharp {d['csharp_ms']:8.1f} ms   PyTorch {ms:8.1f} ms   TorchSharp/PyTorch time = {d['csharp_ms'] / ms:.2f}")
    print(f"  KV-cache sampling {g['label']}   TorchSharp {g['csharp_tps']:8.0f} tok/s   PyTorch {tps:8.0f} tok/s   TorchSharp/PyTorch time = {tps / g['csharp_tps']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
