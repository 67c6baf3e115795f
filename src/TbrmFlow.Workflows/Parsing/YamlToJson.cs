using System.Globalization;
using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TbrmFlow.Workflows.Parsing;

/// <summary>
/// Converts YAML nodes into JSON nodes with YAML 1.2 core-schema typing: plain scalars become
/// null, bool, integer or float when they look like one; quoted scalars stay strings.
/// </summary>
public static class YamlToJson
{
    /// <summary>Converts one node (and its children).</summary>
    public static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlScalarNode scalar => Scalar(scalar),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlMappingNode mapping => Mapping(mapping),
        _ => null,
    };

    private static JsonObject Mapping(YamlMappingNode mapping)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            obj[((YamlScalarNode)key).Value ?? ""] = Convert(value);
        }
        return obj;
    }

    /// <summary>Types a scalar the way YAML 1.2's core schema does.</summary>
    public static JsonNode? Scalar(YamlScalarNode scalar) =>
        Scalar(scalar.Value ?? "", scalar.Style is not (ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded));

    /// <summary>Converts a node of the parser's own tree; for duplicate keys the first one wins (the parser reports the rest).</summary>
    public static JsonNode? FromTree(YNode node) => node switch
    {
        YScalar s => Scalar(s.Value, s.Plain),
        YSequence seq => new JsonArray([.. seq.Items.Select(FromTree)]),
        YMapping map => FromMapping(map),
        _ => null,
    };

    private static JsonObject FromMapping(YMapping map)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map.Entries)
        {
            if (!obj.ContainsKey(key.Value))
            {
                obj[key.Value] = FromTree(value);
            }
        }
        return obj;
    }

    /// <summary>Types a scalar's text: quoted (<paramref name="plain"/> false) stays a string.</summary>
    public static JsonNode? Scalar(string text, bool plain)
    {
        if (!plain)
        {
            return JsonValue.Create(text);
        }
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && LooksNumeric(text))
        {
            return JsonValue.Create(real);
        }
        return JsonValue.Create(text);
    }

    private static bool LooksNumeric(string text) => text.Length > 0 && (char.IsDigit(text[^1]) || text[^1] == '.');
}
