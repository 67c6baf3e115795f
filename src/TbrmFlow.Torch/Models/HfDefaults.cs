namespace TbrmFlow.Torch.Models;

/// <summary>
/// The defaults of Hugging Face transformers' config classes (GPT2Config, Qwen2Config, LlamaConfig) for the keys
/// <see cref="ModelConfig.FromJson"/> reads: what a <c>config.json</c> that omits a key means to transformers.
/// Shared by all families: rope_theta 10000, rms_norm_eps 1e-6, layer_norm_epsilon 1e-5, pad_token_id none.
/// </summary>
/// <param name="VocabSize">vocab_size.</param>
/// <param name="HiddenSize">hidden_size / n_embd.</param>
/// <param name="Layers">num_hidden_layers / n_layer.</param>
/// <param name="Heads">num_attention_heads / n_head.</param>
/// <param name="KeyValueHeads">num_key_value_heads when absent (null = as many as query heads).</param>
/// <param name="IntermediateSize">intermediate_size / n_inner (0 = 4 x hidden for gpt2).</param>
/// <param name="MaxPositions">max_position_embeddings / n_positions.</param>
/// <param name="TieWordEmbeddings">tie_word_embeddings.</param>
/// <param name="BosTokenId">bos_token_id.</param>
/// <param name="EosTokenId">eos_token_id.</param>
public sealed record HfDefaults(int VocabSize, int HiddenSize, int Layers, int Heads, int? KeyValueHeads, int IntermediateSize,
    int MaxPositions, bool TieWordEmbeddings, int? BosTokenId, int? EosTokenId)
{
    /// <summary>GPT2Config: 50257 tokens, 768 wide, 12 layers and heads, n_inner None (4 x 768), 1024 positions, tied, BOS = EOS = 50256.</summary>
    public static HfDefaults Gpt2 { get; } = new(50257, 768, 12, 12, null, 0, 1024, true, 50256, 50256);

    /// <summary>Qwen2Config: 151936 tokens, 4096 wide, 32 layers/heads/kv heads, MLP 22016, 32768 positions, untied, no BOS/EOS.</summary>
    public static HfDefaults Qwen2 { get; } = new(151936, 4096, 32, 32, 32, 22016, 32768, false, null, null);

    /// <summary>LlamaConfig: 32000 tokens, 4096 wide, 32 layers/heads, kv heads None (= heads), MLP 11008, 2048 positions, untied, BOS 1, EOS 2.</summary>
    public static HfDefaults Llama { get; } = new(32000, 4096, 32, 32, null, 11008, 2048, false, 1, 2);

    /// <summary>The defaults of a family.</summary>
    public static HfDefaults For(string modelType) => modelType switch
    {
        "gpt2" => Gpt2,
        "qwen2" => Qwen2,
        "llama" => Llama,
        _ => throw new InvalidDataException($"model_type '{modelType}' is not one of: {string.Join(", ", ModelConfig.KnownModelTypes)}"),
    };
}
