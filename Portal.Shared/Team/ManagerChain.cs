namespace Portal.Shared.Team;

/// <summary>Rules over the reporting lines between people.</summary>
public static class ManagerChain
{
    /// <summary>
    /// The managers above a person, nearest first. Stops (without looping) if the data holds a cycle.
    /// </summary>
    public static IReadOnlyList<int> Above(int personId, IReadOnlyDictionary<int, int?> managerOf)
    {
        var chain = new List<int>();
        var seen = new HashSet<int> { personId };
        var current = personId;
        while (managerOf.TryGetValue(current, out var manager) && manager is { } m && seen.Add(m))
        {
            chain.Add(m);
            current = m;
        }
        return chain;
    }

    /// <summary>True when <paramref name="managerId"/> is anywhere above <paramref name="personId"/>.</summary>
    public static bool IsAbove(int managerId, int personId, IReadOnlyDictionary<int, int?> managerOf) =>
        Above(personId, managerOf).Contains(managerId);

    /// <summary>
    /// Why <paramref name="newManagerId"/> cannot manage <paramref name="personId"/>, or null when it can.
    /// </summary>
    public static string? WhyNotManager(int personId, int? newManagerId, IReadOnlyDictionary<int, int?> managerOf)
    {
        if (newManagerId is not { } m)
        {
            return null;
        }
        if (m == personId)
        {
            return "A person cannot be their own manager.";
        }
        return IsAbove(personId, m, managerOf)
            ? "That would make a loop: the new manager already reports (directly or indirectly) to this person."
            : null;
    }
}
