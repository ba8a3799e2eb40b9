namespace Portal.Tests.Architecture;

/// <summary>
/// The house rules of README "Architecture": feature modules use each other in one direction only (rendering another
/// module's component counts too), Infrastructure and Background use no feature module, and the app shell only composes
/// modules' components.
/// </summary>
public sealed class ModuleGraphTests(ITestOutputHelper output)
{
    [Fact]
    public void NoFeatureModuleUsesAnotherInACycle()
    {
        var edges = ModuleGraph.Current.FeatureEdges();
        foreach (var (from, targets) in edges)
        {
            output.WriteLine($"{from} -> {string.Join(", ", targets)}");
        }
        var cycles = ModuleGraph.Cycles(edges);
        Assert.True(cycles.Count == 0, "Feature modules use each other in a cycle:\n" + string.Join('\n', cycles.Select(c => Explain(c, edges))));
    }

    [Fact]
    public void InfrastructureAndBackgroundUseNoFeatureModule()
    {
        var wrong = ModuleGraph.Current.Uses
            .Where(u => u.FromPart is "Portal.Infrastructure" or "Portal.Background" && ModuleGraph.IsFeature(u.ToPart))
            .Select(u => $"{u.FromType} uses {u.ToType}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(wrong.Count == 0, "Infrastructure and Background must not use Features:\n" + string.Join('\n', wrong));
    }

    [Fact]
    public void TheAppShellOnlyComposesModulesComponents()
    {
        var wrong = ModuleGraph.Current.Uses
            .Where(u => u.FromPart == "Portal.Components" && ModuleGraph.IsFeature(u.ToPart) && !u.ToComponent)
            .Select(u => $"{u.FromType} uses {u.ToType}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(wrong.Count == 0, "The app shell may only render modules' components:\n" + string.Join('\n', wrong));
    }

    [Fact]
    public void TheCycleFinderFindsAnAddedCycleAndOnlyThat()
    {
        var edges = new Dictionary<string, SortedSet<string>>
        {
            ["Home"] = ["Incidents", "OnCall"],
            ["Incidents"] = ["Directory"],
            ["OnCall"] = ["Directory", "Incidents"],
        };
        Assert.Empty(ModuleGraph.Cycles(edges));

        edges["Directory"] = ["OnCall"];
        var cycle = Assert.Single(ModuleGraph.Cycles(edges));
        Assert.Equal(["Directory", "Incidents", "OnCall"], cycle);
    }

    [Fact]
    public void ThePortalsGraphIsReadFromMethodBodiesToo()
    {
        // The graph must see a use inside a method, not only in signatures: Home's page calls Incidents' service.
        Assert.Contains(ModuleGraph.Current.Uses, u => u.FromPart == "Portal.Features.Home" && u.ToPart == "Portal.Features.Incidents");
    }

    private static string Explain(IReadOnlyList<string> cycle, IReadOnlyDictionary<string, SortedSet<string>> edges)
    {
        var members = cycle.ToHashSet(StringComparer.Ordinal);
        var lines = cycle.SelectMany(from => edges[from].Where(members.Contains).Select(to =>
        {
            var example = ModuleGraph.Current.Uses.FirstOrDefault(u => u.FromPart == from && u.ToPart == to);
            return $"  {from} -> {to} (e.g. {example?.FromType} uses {example?.ToType})";
        }));
        return $"[{string.Join(", ", cycle)}]\n{string.Join('\n', lines)}";
    }
}
