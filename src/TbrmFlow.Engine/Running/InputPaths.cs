using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Engine.Running;

/// <summary>
/// The data-root rule, applied in one place to every bound request before its stage starts (and before the cache
/// hashes its input files): with <see cref="EngineOptions.DataRoots"/> set, each artifact input and each
/// <see cref="FilePathAttribute"/> string must name a path below a data root or the artifact store. Paths are made
/// absolute against the working directory and <c>..</c> is resolved; symbolic links are not followed (whoever can put
/// one in a data root can read its target anyway).
/// </summary>
internal static class InputPaths
{
    private const int MaxDepth = 4;

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> PropertiesByType = new();

    /// <summary>Why <paramref name="request"/> may not run under <paramref name="options"/>, or null when it may.</summary>
    public static string? Refusal(object request, EngineOptions options)
    {
        if (options.DataRoots is not { } roots)
        {
            return null;
        }
        var allowed = roots.Append(Path.Combine(options.HomeDirectory, "artifacts")).Select(Normalise).OfType<string>().ToList();
        foreach (var (input, path) in Find(request, "", 0))
        {
            var full = Normalise(path);
            if (full is null || !allowed.Any(root => full == root || full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            {
                var shown = path.Length <= 200 ? path : path[..200] + "…";
                return $"input '{input}' names '{shown}', outside the directories this server lets runs read (data roots: {(roots.Count == 0 ? "none" : string.Join(", ", roots))}; "
                    + "upstream artifacts are always allowed); set the server's data_roots to allow it (docs/server.md)";
            }
        }
        return null;
    }

    /// <summary>A path or file:// URL made absolute, or null when it is neither.</summary>
    private static string? Normalise(string path)
    {
        try
        {
            var local = path.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(path).LocalPath : path;
            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(local));
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }

    /// <summary>Every path the request names: artifact references and marked strings, in nested records and lists too.</summary>
    private static IEnumerable<(string Input, string Path)> Find(object? value, string name, int depth)
    {
        switch (value)
        {
            case null or string or IDictionary:
                yield break;
            case ArtifactReference artifact:
                yield return (name, artifact.Path);
                yield break;
            case IEnumerable items when depth < MaxDepth:
                var i = 0;
                foreach (var item in items)
                {
                    foreach (var found in Find(item, $"{name}[{i++}]", depth + 1))
                    {
                        yield return found;
                    }
                }
                yield break;
        }
        var type = value.GetType();
        if (depth >= MaxDepth || type.IsPrimitive || type.IsEnum || type.Namespace?.StartsWith("TbrmFlow", StringComparison.Ordinal) != true)
        {
            yield break;
        }
        foreach (var property in PropertiesByType.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0).ToArray()))
        {
            var input = (name.Length == 0 ? "" : name + ".") + JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
            var propertyValue = property.GetValue(value);
            if (property.IsDefined(typeof(FilePathAttribute)) && propertyValue is string path)
            {
                yield return (input, path);
                continue;
            }
            foreach (var found in Find(propertyValue, input, depth + 1))
            {
                yield return found;
            }
        }
    }
}
