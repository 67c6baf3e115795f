namespace TbrmFlow.Torch.Tokenization;

/// <summary>Text &lt;-&gt; token ids, with the special ids generation and batching need.</summary>
public interface ITokenizer
{
    /// <summary>Number of ids the tokenizer can produce (the model's vocab_size must be at least this).</summary>
    int VocabSize { get; }

    /// <summary>End-of-sequence id: generation stops after sampling it.</summary>
    int EosId { get; }

    /// <summary>Padding id (left of prompts, right of responses); never attended to.</summary>
    int PadId { get; }

    /// <summary>Beginning-of-sequence id, or null when prompts do not start with one.</summary>
    int? BosId { get; }

    /// <summary>Encodes text (no special tokens added).</summary>
    int[] Encode(string text);

    /// <summary>Decodes ids; special tokens (EOS, PAD, BOS) are skipped.</summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>Writes the tokenizer files into a checkpoint directory.</summary>
    void Save(string directory);
}
