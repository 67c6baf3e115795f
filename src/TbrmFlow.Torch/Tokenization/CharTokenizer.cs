using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TbrmFlow.Torch.Tokenization;

/// <summary>
/// One token per character, for synthetic tasks. Ids: 0 = <c>&lt;pad&gt;</c>, 1 = <c>&lt;eos&gt;</c>,
/// 2 = <c>&lt;bos&gt;</c> when enabled, then the characters in the order given. Stored as
/// <c>vocab.json</c> (token -> id) and <c>tokenizer_config.json</c> (class name and special tokens).
/// </summary>
public sealed class CharTokenizer : ITokenizer
{
    /// <summary>The <c>tokenizer_class</c> written to <c>tokenizer_config.json</c>.</summary>
    public const string ClassName = "TbrmFlowCharTokenizer";

    /// <summary>Padding token text.</summary>
    public const string PadToken = "<pad>";

    /// <summary>End-of-sequence token text.</summary>
    public const string EosToken = "<eos>";

    /// <summary>Beginning-of-sequence token text.</summary>
    public const string BosToken = "<bos>";

    private readonly string[] _tokens;
    private readonly Dictionary<char, int> _ids;

    /// <summary>Builds a vocabulary from the distinct characters of <paramref name="alphabet"/>, in order.</summary>
    public CharTokenizer(string alphabet, bool useBos = false)
    {
        var specials = useBos ? new[] { PadToken, EosToken, BosToken } : [PadToken, EosToken];
        var chars = alphabet.Distinct().Select(c => c.ToString()).ToArray();
        _tokens = [.. specials, .. chars];
        _ids = [];
        for (var i = specials.Length; i < _tokens.Length; i++)
        {
            _ids[_tokens[i][0]] = i;
        }
        BosId = useBos ? 2 : null;
    }

    /// <summary>The characters that can be encoded, in id order.</summary>
    public string Alphabet => string.Concat(_tokens.Skip(BosId is null ? 2 : 3));

    /// <inheritdoc />
    public int VocabSize => _tokens.Length;

    /// <inheritdoc />
    public int EosId => 1;

    /// <inheritdoc />
    public int PadId => 0;

    /// <inheritdoc />
    public int? BosId { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">For a character outside the vocabulary, naming it and its index.</exception>
    public int[] Encode(string text)
    {
        var ids = new int[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            if (!_ids.TryGetValue(text[i], out ids[i]))
            {
                throw new ArgumentException(
                    $"character '{text[i]}' at index {i} is not in the tokenizer's alphabet \"{Alphabet}\"", nameof(text));
            }
        }
        return ids;
    }

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids)
    {
        var sb = new StringBuilder();
        var firstChar = BosId is null ? 2 : 3;
        foreach (var id in ids)
        {
            if (id >= firstChar && id < _tokens.Length)
            {
                sb.Append(_tokens[id]);
            }
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public void Save(string directory)
    {
        var vocab = new JsonObject();
        for (var i = 0; i < _tokens.Length; i++)
        {
            vocab[_tokens[i]] = i;
        }
        var options = new JsonSerializerOptions { WriteIndented = true };
        File.WriteAllText(Path.Combine(directory, "vocab.json"), vocab.ToJsonString(options) + "\n");
        var config = new JsonObject
        {
            ["tokenizer_class"] = ClassName,
            ["pad_token"] = PadToken,
            ["eos_token"] = EosToken,
            ["bos_token"] = BosId is null ? null : BosToken,
            ["model_max_length"] = 1_000_000,
        };
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), config.ToJsonString(options) + "\n");
    }

    /// <summary>Reads the files written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">When vocab.json does not have the expected layout.</exception>
    public static CharTokenizer Load(string directory)
    {
        var path = Path.Combine(directory, "vocab.json");
        var vocab = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object");
        var byId = vocab.Select(kv => (Token: kv.Key, Id: kv.Value!.GetValue<int>())).OrderBy(x => x.Id).ToArray();
        for (var i = 0; i < byId.Length; i++)
        {
            if (byId[i].Id != i)
            {
                throw new InvalidDataException($"{path}: ids must be 0..{byId.Length - 1} without gaps; missing {i}");
            }
        }
        var useBos = byId.Length > 2 && byId[2].Token == BosToken;
        if (byId.Length < 2 || byId[0].Token != PadToken || byId[1].Token != EosToken)
        {
            throw new InvalidDataException($"{path}: expected {PadToken} = 0 and {EosToken} = 1");
        }
        var chars = byId.Skip(useBos ? 3 : 2).Select(x => x.Token).ToArray();
        var bad = chars.FirstOrDefault(t => t.Length != 1);
        if (bad is not null)
        {
            throw new InvalidDataException($"{path}: token \"{bad}\" is not a single character");
        }
        return new CharTokenizer(string.Concat(chars), useBos);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"char tokenizer ({VocabSize} ids)");
}
