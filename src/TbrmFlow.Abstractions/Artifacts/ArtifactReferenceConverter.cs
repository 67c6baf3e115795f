using System.Text.Json;
using System.Text.Json.Serialization;

namespace TbrmFlow.Abstractions.Artifacts;

/// <summary>
/// Reads an artifact reference from a plain path string or from <c>{kind, path, hash}</c>; writes
/// the object form. A reference of another kind is refused with a message that names both kinds.
/// </summary>
public sealed class ArtifactReferenceConverter<T> : JsonConverter<T>
    where T : ArtifactReference
{
    /// <inheritdoc />
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return Create(reader.GetString()!, null);
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"expected a path or an artifact reference ({typeof(T).Name})");
        }
        string? path = null, hash = null, kind = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "path": path = reader.GetString(); break;
                case "hash": hash = reader.TokenType == JsonTokenType.Null ? null : reader.GetString(); break;
                case "kind": kind = reader.GetString(); break;
                default: reader.Skip(); break;
            }
        }
        if (kind is not null && kind != typeof(T).Name)
        {
            throw new JsonException($"expected a {typeof(T).Name} artifact, got a {kind}");
        }
        return Create(path ?? throw new JsonException("artifact reference without a path"), hash);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", value.Kind.ToString());
        writer.WriteString("path", value.Path);
        if (value.Hash is null)
        {
            writer.WriteNull("hash");
        }
        else
        {
            writer.WriteString("hash", value.Hash);
        }
        writer.WriteEndObject();
    }

    private static T Create(string path, string? hash) => (T)Activator.CreateInstance(typeof(T), path, hash)!;
}
