using Portal.Shared.Admin;

namespace Portal.Shared.OnCall;

/// <summary>What makes a schedule or an override acceptable, each rule with the sentence shown when it is broken.</summary>
public static class ScheduleRules
{
    public const int MaxName = 120;
    public const int MaxLayers = 20;
    public const int MaxMembers = 100;
    public const int MaxShiftHours = 168;
    public const int MaxOverrideDays = 90;

    /// <summary>How far in the past an override may start: "from now" typed a minute ago still counts as now.</summary>
    public static readonly TimeSpan PastTolerance = TimeSpan.FromMinutes(5);

    /// <summary>How restriction windows are read, stated on the editor and in the API.</summary>
    public const string WindowRule = "A window whose end is before its start runs past midnight (22:00 to 06:00); one whose end equals its start lasts a whole day (00:00 to 00:00).";

    /// <summary>Every broken rule, keyed by field ("layers[1].zone"); empty when the schedule is valid.</summary>
    public static Dictionary<string, string[]> Validate(string? name, IReadOnlyList<ScheduleLayer>? layers, Func<int, bool> personExists)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }
            list.Add(message);
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            Add("name", "Give the schedule a name.");
        }
        else if (name.Trim().Length > MaxName)
        {
            Add("name", $"A schedule's name is at most {MaxName} characters.");
        }
        if (layers is null || layers.Count == 0)
        {
            Add("layers", "A schedule needs at least one layer.");
            return Flatten(errors);
        }
        if (layers.Count > MaxLayers)
        {
            Add("layers", $"A schedule has at most {MaxLayers} layers.");
        }
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var at = $"layers[{i}]";
            var label = string.IsNullOrWhiteSpace(layer.Name) ? $"Layer {i + 1}" : $"Layer \"{layer.Name}\"";
            if (layer.Members.Count == 0)
            {
                Add($"{at}.members", $"{label}: a rotation needs at least one person.");
            }
            else if (layer.Members.Count > MaxMembers)
            {
                Add($"{at}.members", $"{label}: a rotation has at most {MaxMembers} people.");
            }
            foreach (var missing in layer.Members.Where(id => !personExists(id)).Distinct())
            {
                Add($"{at}.members", $"{label}: person #{missing} does not exist or is inactive.");
            }
            if (!TimeZones.IsValid(layer.Zone))
            {
                Add($"{at}.zone", $"{label}: \"{layer.Zone}\" is not an IANA time zone (for example Europe/Dublin).");
            }
            if (layer.Rotation == RotationKind.Hours && layer.ShiftHours is < 1 or > MaxShiftHours)
            {
                Add($"{at}.shiftHours", $"{label}: a turn lasts 1 to {MaxShiftHours} hours.");
            }
            if (!Enum.IsDefined(layer.Rotation))
            {
                Add($"{at}.rotation", $"{label}: the rotation is daily, weekly or every N hours.");
            }
            if (layer.Restrictions.Any(r => r.Days.Any(d => !Enum.IsDefined(d))))
            {
                Add($"{at}.restrictions", $"{label}: a restriction names a day that is not Monday to Sunday.");
            }
        }
        return Flatten(errors);
    }

    /// <summary>Why an override with these bounds is refused, or null when its window is acceptable.</summary>
    public static string? WhyNotOverride(DateTimeOffset start, DateTimeOffset end, DateTimeOffset now)
    {
        if (end <= start)
        {
            return end == start ? "An override needs a window: its end equals its start." : "An override must end after it starts.";
        }
        if (end <= now)
        {
            return "That window is over: an override changes who is on call from now on, not who was.";
        }
        if (start < now - PastTolerance)
        {
            return "An override cannot start in the past: who was on call then is history. Start it now or later.";
        }
        return end - start > TimeSpan.FromDays(MaxOverrideDays) ? $"An override lasts at most {MaxOverrideDays} days; change the layers for longer." : null;
    }

    /// <summary>The first stored override on the same schedule whose window overlaps, or null.</summary>
    public static ScheduleOverride? FirstOverlap(IEnumerable<ScheduleOverride> existing, DateTimeOffset start, DateTimeOffset end, int? except = null) =>
        existing.Where(o => o.Id != except && o.Start < end && start < o.End).OrderBy(o => o.Start).FirstOrDefault();

    private static Dictionary<string, string[]> Flatten(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
