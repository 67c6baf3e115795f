#!/usr/bin/env python3
"""PyTorch cross-check of TbrmFlow's TorchSharp models (docs/models.md).

Reads the directory written by `TbrmFlow.Bench.Models crosscheck DIR`: one checkpoint per family
(config.json + model.safetensors), batch.json (token ids, masks, prompt length) and the C#
per-token log-probs and step time. Re-implements gpt2 and qwen2 here (own code, independent of
the C# one), loads the same safetensors (parsed directly: 8-byte little-endian header length,
JSON header, raw little-endian data), compares per-token log-probs (max abs diff < 1e-4 passes)
and times one forward+backward step, printing the TorchSharp / PyTorch ratio.
Run with Debian's interpreter: /usr/bin/python3 (python3-torch 1.13).
"""
import json, math, os, struct, sys, time
import torch
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16, "I64": torch.int64}


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[start:end]), dtype=DTYPES[info["dtype"]])
        out[name] = t.reshape(info["shape"]).float()
    return out


def attention(q, k, v, mask):
    # q [B,H,L,Dh], k/v [B,Hkv,L,Dh], mask [B,1,L,L] bool
    groups = q.shape[1] // k.shape[1]
    if groups > 1:
        k = k.repeat_interleave(groups, dim=1)
        v = v.repeat_interleave(groups, dim=1)
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(~mask, float("-inf"))
    return scores.softmax(-1) @ v


def make_mask(attn):
    # attn [B,L] long: causal & key is real, plus the diagonal.
    L = attn.shape[1]
    causal = torch.tril(torch.ones(L, L, dtype=torch.bool))
    m = causal[None] & attn.bool()[:, None, :]
    m = m | torch.eye(L, dtype=torch.bool)[None]
    return m[:, None]


def gpt2_forward(w, cfg, tokens, attn):
    D, H = cfg["hidden_size"], cfg["num_attention_heads"]
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    pos = (attn.cumsum(1) - 1).clamp(min=0)
    x = w["transformer.wte.weight"][tokens] + w["transformer.wpe.weight"][pos]
    mask = make_mask(attn)
    B, L, _ = x.shape
    for i in range(cfg["num_hidden_layers"]):
        p = f"transformer.h.{i}."
        h = F.layer_norm(x, (D,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = [t.view(B, L, H, D // H).transpose(1, 2) for t in qkv.split(D, dim=2)]
        y = attention(q, k, v, mask).transpose(1, 2).reshape(B, L, D)
        x = x + y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        h = F.layer_norm(x, (D,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        h = F.gelu(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"], approximate="tanh")
        x = x + h @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    x = F.layer_norm(x, (D,), w["transformer.ln_f.weight"], w["transformer.ln_f.bias"], eps)
    return x @ w["transformer.wte.weight"].T


def rms(x, weight, eps):
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    return x * cos + torch.cat([-x[..., half:], x[..., :half]], -1) * sin


def qwen2_forward(w, cfg, tokens, attn):
    D, H = cfg["hidden_size"], cfg["num_attention_heads"]
    Hkv = cfg.get("num_key_value_heads", H)
    Dh = D // H
    eps = cfg.get("rms_norm_eps", 1e-6)
    pos = (attn.cumsum(1) - 1).clamp(min=0)
    inv = 1.0 / (cfg.get("rope_theta", 10000.0) ** (torch.arange(0, Dh, 2).float() / Dh))
    freqs = pos.float()[..., None] * inv
    emb = torch.cat([freqs, freqs], -1)[:, None]
    cos, sin = emb.cos(), emb.sin()
    x = w["model.embed_tokens.weight"][tokens]
    mask = make_mask(attn)
    B, L, _ = x.shape
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms(x, w[p + "input_layernorm.weight"], eps)
        q = F.linear(h, w[p + "self_attn.q_proj.weight"], w[p + "self_attn.q_proj.bias"]).view(B, L, H, Dh).transpose(1, 2)
        k = F.linear(h, w[p + "self_attn.k_proj.weight"], w[p + "self_attn.k_proj.bias"]).view(B, L, Hkv, Dh).transpose(1, 2)
        v = F.linear(h, w[p + "self_attn.v_proj.weight"], w[p + "self_attn.v_proj.bias"]).view(B, L, Hkv, Dh).transpose(1, 2)
        y = attention(rotate(q, cos, sin), rotate(k, cos, sin), v, mask).transpose(1, 2).reshape(B, L, D)
        x = x + F.linear(y, w[p + "self_attn.o_proj.weight"])
        h = rms(x, w[p + "post_attention_layernorm.weight"], eps)
        x = x + F.linear(F.silu(F.linear(h, w[p + "mlp.gate_proj.weight"])) * F.linear(h, w[p + "mlp.up_proj.weight"]), w[p + "mlp.down_proj.weight"])
    x = rms(x, w["model.norm.weight"], eps)
    head = w.get("lm_head.weight", w["model.embed_tokens.weight"])
    return x @ head.T


def token_logprobs(forward, w, cfg, batch):
    tokens = torch.tensor(batch["tokens"])
    attn = torch.tensor(batch["attention_mask"])
    P, T = batch["prompt_length"], len(batch["response_mask"][0])
    logits = forward(w, cfg, tokens, attn)[:, P - 1:P + T - 1]
    lp = logits.log_softmax(-1).gather(-1, tokens[:, P:P + T, None]).squeeze(-1)
    return lp * torch.tensor(batch["response_mask"])


def main(root):
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
    ok = True
    for family, forward in (("gpt2", gpt2_forward), ("qwen2", qwen2_forward)):
        d = os.path.join(root, family)
        cfg = json.load(open(os.path.join(d, "config.json")))
        w = load_safetensors(os.path.join(d, "model.safetensors"))
        batch = json.load(open(os.path.join(root, family + "-batch.json")))
        with torch.no_grad():
            lp = token_logprobs(forward, w, cfg, batch)
        diff = (lp - torch.tensor(batch["csharp_logprobs"])).abs().max().item()
        ok &= diff < 1e-4
        print(f"{family:6} per-token log-probs: max |TorchSharp - PyTorch| = {diff:.2e} ({'ok' if diff < 1e-4 else 'FAIL'}, bound 1e-4)")

        step = json.load(open(os.path.join(root, family + "-step.json")))
        tokens = torch.tensor(step["tokens"])
        params = {k: v.clone().requires_grad_(True) for k, v in w.items()}
        def one_step():
            logits = forward(params, cfg, tokens[:, :-1], torch.ones_like(tokens[:, :-1]))
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1))
            for p in params.values():
                p.grad = None
            loss.backward()
        one_step()
        t0 = time.perf_counter()
        for _ in range(step["steps"]):
            one_step()
        ms = (time.perf_counter() - t0) * 1000 / step["steps"]
        print(f"{family:6} forward+backward {step['label']}: TorchSharp {step['csharp_ms']:.1f} ms, PyTorch {ms:.1f} ms, ratio TorchSharp/PyTorch = {step['csharp_ms'] / ms:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
