using Portal.Shared.Intelligence;

namespace Portal.Bench.IntelEval;

/// <summary>A generated incident with its ground truth: family (null for a new cause), episode (incidents of one problem), and when.</summary>
internal sealed record EvalIncident(int Id, Family Family, bool NewCause, int Episode, string Region, DateTimeOffset OpenedAt, string Title, string FullText, string IndexText);

internal sealed record EvalCase(int Id, Family Family, DateTimeOffset OpenedAt, string Text);

/// <summary>
/// A generated history: incidents of the families over twenty weeks (a third of them in episodes of two or three
/// incidents of one problem within the hour), cases of the families, and new causes only in the last four weeks.
/// The last four weeks are scored; everything before is the index.
/// </summary>
internal sealed class History
{
    public const int Weeks = 20;
    public const int ScoredWeeks = 4;
    private static readonly string[] Regions = ["US", "EU", "JP", "MX", "AU"];

    public required DateTimeOffset Start { get; init; }
    public required DateTimeOffset Split { get; init; }
    public required List<EvalIncident> Incidents { get; init; }
    public required List<EvalCase> Cases { get; init; }

    public static History Generate(int incidents, int cases, int seed = 42)
    {
        var random = new Random(seed);
        var end = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var start = end.AddDays(-7 * Weeks);
        var split = end.AddDays(-7 * ScoredWeeks);
        var known = Families.Known;
        // Some families are common, some rare (a Zipf-like weight), as in life.
        var weights = known.Select((_, i) => 1.0 / Math.Sqrt(1 + (i * 7 % known.Count))).ToArray();
        Family Pick() => known[Weighted(random, weights)];
        var list = new List<EvalIncident>();
        var episode = 0;
        while (list.Count < incidents)
        {
            var family = Pick();
            var at = start.AddMinutes(random.NextDouble() * (end - start).TotalMinutes);
            var size = random.NextDouble() < 0.33 ? random.Next(2, 4) : 1;
            episode++;
            for (var k = 0; k < size && list.Count < incidents; k++)
            {
                list.Add(Incident(random, list.Count, family, false, episode, at.AddMinutes(k * random.Next(3, 25))));
            }
        }
        // New causes, only in the scored weeks: about 5% of them.
        var fresh = Math.Max(8, list.Count(i => i.OpenedAt >= split) / 20);
        for (var n = 0; n < fresh; n++)
        {
            var family = Families.New[n % Families.New.Count];
            list.Add(Incident(random, list.Count, family, true, ++episode, split.AddMinutes(random.NextDouble() * (end - split).TotalMinutes)));
        }
        var caseList = new List<EvalCase>();
        for (var n = 0; n < cases; n++)
        {
            var family = Pick();
            var subject = family.CaseSubjects[random.Next(family.CaseSubjects.Length)];
            var detail = random.Next(4) switch
            {
                0 => $" Account {random.Next(100000, 999999)}.",
                1 => " This is urgent for our finance team.",
                2 => $" It started on the {random.Next(1, 28)}th.",
                _ => "",
            };
            caseList.Add(new EvalCase(n, family, start.AddMinutes(random.NextDouble() * (end - start).TotalMinutes), $"{subject}. {family.CaseBody}{detail}"));
        }
        return new History { Start = start, Split = split, Incidents = [.. list.OrderBy(i => i.OpenedAt)], Cases = [.. caseList.OrderBy(c => c.OpenedAt)] };
    }

    private static EvalIncident Incident(Random random, int id, Family family, bool newCause, int episode, DateTimeOffset at)
    {
        var region = Regions[random.Next(Regions.Length)];
        string R(string s) => s.Replace("{R}", region, StringComparison.Ordinal);
        var title = R(family.Titles[random.Next(family.Titles.Length)]);
        var alerts = family.Alerts.Where(_ => random.NextDouble() < 0.7).Select(R).DefaultIfEmpty(R(family.Alerts[0])).ToList();
        var notes = family.Notes.Where(_ => random.NextDouble() < 0.6).Select(R).DefaultIfEmpty(R(family.Notes[0])).ToList();
        // The open incident: title, alerts, notes. The indexed (past, resolved) one also has its resolution and, for a
        // third, an RCA's root cause.
        var full = SimilarityRules.IncidentText(title, alerts, notes, null, null);
        var index = SimilarityRules.IncidentText(title, alerts, notes.Append(family.Resolution), null, random.NextDouble() < 0.35 ? family.RootCause : null);
        return new EvalIncident(id, family, newCause, episode, region, at, title, full, index);
    }

    private static int Weighted(Random random, double[] weights)
    {
        var roll = random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            roll -= weights[i];
            if (roll <= 0)
            {
                return i;
            }
        }
        return weights.Length - 1;
    }
}
