using Assembly = System.Reflection.Assembly;
using ArchUnitNET.Loader;
using Microsoft.AspNetCore.Components;

namespace Portal.Tests.Architecture;

/// <summary>
/// The portal's modules and what each one uses, read from the compiled <c>Portal</c> assembly (method bodies included,
/// through ArchUnitNET). A module is a namespace under <c>Portal.Features</c>; the other parts are
/// <c>Portal.Infrastructure</c>, <c>Portal.Background</c> and the app shell <c>Portal.Components</c>.
/// </summary>
public sealed class ModuleGraph
{
    private const string Features = "Portal.Features.";

    private static readonly Lazy<ModuleGraph> Portal = new(() => Read(typeof(Program).Assembly));

    /// <summary>The portal's graph, read once per test run.</summary>
    public static ModuleGraph Current => Portal.Value;

    /// <summary>Every use of one part by another: (from type, to type), with the parts they live in.</summary>
    public IReadOnlyList<Use> Uses { get; }

    public ModuleGraph(IReadOnlyList<Use> uses) => Uses = uses;

    public sealed record Use(string FromPart, string FromType, string ToPart, string ToType, bool ToComponent);

    /// <summary>The feature modules' edges: every use, rendering another module's component included.</summary>
    public IReadOnlyDictionary<string, SortedSet<string>> FeatureEdges()
    {
        var edges = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var use in Uses.Where(u => IsFeature(u.FromPart) && IsFeature(u.ToPart)))
        {
            if (!edges.TryGetValue(use.FromPart, out var targets))
            {
                edges[use.FromPart] = targets = new SortedSet<string>(StringComparer.Ordinal);
            }
            targets.Add(use.ToPart);
        }
        return edges;
    }

    public static bool IsFeature(string part) => part.StartsWith(Features, StringComparison.Ordinal);

    /// <summary>The strongly connected groups of more than one module (Tarjan's algorithm): each is a cycle.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Cycles(IReadOnlyDictionary<string, SortedSet<string>> edges)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var cycles = new List<IReadOnlyList<string>>();
        var next = 0;

        void Visit(string node)
        {
            index[node] = low[node] = next++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var target in edges.TryGetValue(node, out var targets) ? targets : [])
            {
                if (!index.ContainsKey(target))
                {
                    Visit(target);
                    low[node] = Math.Min(low[node], low[target]);
                }
                else if (onStack.Contains(target) && index.TryGetValue(target, out var seen))
                {
                    low[node] = Math.Min(low[node], seen);
                }
            }
            if (low[node] != index[node])
            {
                return;
            }
            var group = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                group.Add(member);
            }
            while (member != node);
            if (group.Count > 1)
            {
                group.Sort(StringComparer.Ordinal);
                cycles.Add(group);
            }
        }

        foreach (var node in edges.Keys.Concat(edges.Values.SelectMany(t => t)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }
        return cycles;
    }

    /// <summary>The part a namespace belongs to: <c>Portal.Features.X</c> for a module, else the top namespace under Portal.</summary>
    public static string? PartOf(string? ns)
    {
        if (ns is null || !ns.StartsWith("Portal.", StringComparison.Ordinal) || ns.StartsWith("Portal.Shared", StringComparison.Ordinal))
        {
            return null;
        }
        var parts = ns.Split('.');
        return parts.Length >= 3 && parts[1] == "Features" ? string.Join('.', parts[..3]) : string.Join('.', parts[..2]);
    }

    private static ModuleGraph Read(Assembly assembly)
    {
        var components = assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t))
            .Select(t => t.FullName!)
            .ToHashSet(StringComparer.Ordinal);
        var architecture = new ArchLoader().LoadAssemblies(assembly).Build();
        var uses = new List<Use>();
        foreach (var type in architecture.Types)
        {
            var from = PartOf(type.Namespace?.FullName);
            if (from is null)
            {
                continue;
            }
            foreach (var dependency in type.Dependencies)
            {
                var target = dependency.Target;
                var to = PartOf(target.Namespace?.FullName);
                if (to is null || to == from)
                {
                    continue;
                }
                var name = target.FullName.Replace('/', '+');
                uses.Add(new Use(from, type.FullName, to, name, components.Contains(name)));
            }
        }
        return new ModuleGraph(uses.Distinct().ToList());
    }
}
