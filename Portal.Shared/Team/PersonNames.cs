namespace Portal.Shared.Team;

public static class PersonNames
{
    /// <summary>"Akira Sato" → "AS", for avatars.</summary>
    public static string Initials(string name) =>
        string.Concat(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Select(p => char.ToUpperInvariant(p[0])));
}
