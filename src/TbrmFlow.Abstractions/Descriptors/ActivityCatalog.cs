using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace TbrmFlow.Abstractions.Descriptors;

/// <summary>
/// All activities known to this process, found by their <see cref="ActivityAttribute"/> in the
/// TbrmFlow assemblies next to the application (plugins are compile-time references of the host).
/// </summary>
public sealed class ActivityCatalog
{
    private readonly Dictionary<string, ActivityDescriptor> _byType;

    /// <summary>Builds the catalog from the given assemblies.</summary>
    public ActivityCatalog(IEnumerable<Assembly> assemblies)
    {
        _byType = assemblies
            .Distinct()
            .SelectMany(SafeTypes)
            .Where(t => t.GetCustomAttribute<ActivityAttribute>() is not null)
            .Select(Describe)
            .ToDictionary(d => d.Type, StringComparer.Ordinal);
    }

    /// <summary>Every descriptor, sorted by type name.</summary>
    public IReadOnlyList<ActivityDescriptor> All => [.. _byType.Values.OrderBy(d => d.Type, StringComparer.Ordinal)];

    /// <summary>Looks an activity up by its YAML name.</summary>
    public bool TryGet(string type, out ActivityDescriptor descriptor) => _byType.TryGetValue(type, out descriptor!);

    /// <summary>
    /// The activities this process can dispatch: every TbrmFlow assembly reachable through references
    /// from the entry assembly (the host's generated mediator references each plugin's handlers, so
    /// every plugin is reachable) plus the TbrmFlow assemblies already loaded.
    /// </summary>
    public static ActivityCatalog FromApplication()
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>(AppDomain.CurrentDomain.GetAssemblies().Where(IsTbrmFlow));
        if (Assembly.GetEntryAssembly() is { } entry)
        {
            pending.Push(entry);
        }
        while (pending.TryPop(out var assembly))
        {
            if (!found.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }
            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name?.StartsWith("TbrmFlow.", StringComparison.Ordinal) == true))
            {
                if (!found.ContainsKey(reference.Name!))
                {
                    pending.Push(Assembly.Load(reference));
                }
            }
        }
        return new ActivityCatalog(found.Values);
    }

    private static bool IsTbrmFlow(Assembly a) => a.GetName().Name?.StartsWith("TbrmFlow.", StringComparison.Ordinal) == true;

    /// <summary>Builds the descriptor of one request type.</summary>
    public static ActivityDescriptor Describe(Type requestType)
    {
        var attribute = requestType.GetCustomAttribute<ActivityAttribute>()
            ?? throw new ArgumentException($"{requestType} has no [Activity] attribute", nameof(requestType));
        var resultType = requestType.GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IActivity<>))
            ?.GetGenericArguments()[0]
            ?? throw new ArgumentException($"{requestType} does not implement IActivity<TResult>", nameof(requestType));
        return new ActivityDescriptor
        {
            Type = attribute.Type,
            Version = attribute.Version,
            Category = attribute.Category,
            Description = attribute.Description,
            Deterministic = attribute.Deterministic,
            RequestType = requestType,
            ResultType = resultType,
            Inputs = Ports(requestType, withDefaults: true),
            Outputs = Ports(resultType, withDefaults: false),
        };
    }

    private static List<PortDescriptor> Ports(Type type, bool withDefaults)
    {
        var sample = withDefaults ? CreateWithDefaults(type) : null;
        var docs = XmlDocs.For(type.Assembly);
        return [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.DeclaringType != typeof(object) && p.Name != "EqualityContract")
            .Select(p => new PortDescriptor(
                JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name),
                p.PropertyType,
                p.GetCustomAttribute<RequiredMemberAttribute>() is not null,
                sample is null ? null : JsonSerializer.SerializeToNode(p.GetValue(sample), p.PropertyType, ActivityJson.Options),
                p.GetCustomAttribute<System.ComponentModel.DescriptionAttribute>()?.Description ?? docs.Summary(p)))];
    }

    private static object? CreateWithDefaults(Type type)
    {
        // Property initialisers are the defaults; `required` is a compile-time rule, so reflection
        // may construct the record without setting required members.
        return type.GetConstructor(Type.EmptyTypes) is null ? null : Activator.CreateInstance(type);
    }

    private static IEnumerable<Type> SafeTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    /// <summary>Summaries read from an assembly's XML documentation file, cached per assembly.</summary>
    private sealed class XmlDocs
    {
        private static readonly ConcurrentDictionary<Assembly, XmlDocs> Cache = new();
        private readonly Dictionary<string, string> _summaries = new(StringComparer.Ordinal);

        public static XmlDocs For(Assembly assembly) => Cache.GetOrAdd(assembly, a => new XmlDocs(a));

        private XmlDocs(Assembly assembly)
        {
            var file = Path.ChangeExtension(assembly.Location, ".xml");
            if (string.IsNullOrEmpty(assembly.Location) || !File.Exists(file))
            {
                return;
            }
            var doc = System.Xml.Linq.XDocument.Load(file);
            foreach (var member in doc.Descendants("member"))
            {
                var name = member.Attribute("name")?.Value;
                var summary = member.Element("summary");
                if (name is not null && summary is not null)
                {
                    _summaries[name] = string.Join(' ', summary.Value.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
                }
            }
        }

        public string Summary(PropertyInfo property) =>
            _summaries.GetValueOrDefault($"P:{property.DeclaringType!.FullName!.Replace('+', '.')}.{property.Name}", "");
    }
}
