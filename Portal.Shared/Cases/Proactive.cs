using Portal.Shared.Admin;
using Portal.Shared.Directory;

namespace Portal.Shared.Cases;

/// <summary>
/// A notice an incident's commander approved and sent to the advertisers it likely affects before they wrote in: the
/// incident's region, optionally one tier, less everyone who already has a case linked to it. Once per incident.
/// </summary>
public sealed class ProactiveNotice
{
    public long IncidentNumber { get; set; }
    public required string Subject { get; set; }
    public required string Body { get; set; }

    /// <summary>The tier it went to, or null for every tier.</summary>
    public AdvertiserTier? Tier { get; set; }

    public DateTimeOffset SentAt { get; set; }
    public required string SentBy { get; set; }
    public int Advertisers { get; set; }
}

/// <summary>One advertiser told about one incident before they asked: what the metric "told before they asked" counts.</summary>
public sealed class ProactiveRecipient
{
    public long IncidentNumber { get; set; }
    public int AdvertiserId { get; set; }
    public DateTimeOffset NotifiedAt { get; set; }
}

/// <summary>The rules of proactive notices: their text, and who counts as told first or as asking first.</summary>
public static class ProactiveRules
{
    public const int MaxSubject = 200;
    public const int MaxBody = 5_000;

    /// <summary>More advertisers than this in one notice is a mistake in the audience, not a notice: narrow it by tier.</summary>
    public const int MaxAdvertisers = 5_000;

    /// <summary>What is wrong with a notice's text, by field; empty when it can go.</summary>
    public static Dictionary<string, string[]> Problems(string? subject, string? body)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(subject))
        {
            errors["subject"] = ["Give the notice a subject."];
        }
        else if (subject.Trim().Length > MaxSubject)
        {
            errors["subject"] = [$"The subject is {subject.Trim().Length} characters; at most {MaxSubject}."];
        }
        if (string.IsNullOrWhiteSpace(body))
        {
            errors["body"] = ["Write the notice first."];
        }
        else if (body.Trim().Length > MaxBody)
        {
            errors["body"] = [$"The notice is {body.Trim().Length} characters; at most {MaxBody}."];
        }
        return errors;
    }

    /// <summary>The notice's suggested words for an incident, to edit before sending.</summary>
    public static (string Subject, string Body) Draft(string incidentTitle, RegionCode region) =>
        ($"We are working on a billing problem that may affect your account ({region})",
         $"We found a problem on our side that may affect your account: {incidentTitle}.\n\n"
         + "You do not need to do anything or to contact us about it. We are working on it now and will tell you when it is fixed. "
         + "If you see something on your account that this does not explain, reply to this email and we will look at it.");

    /// <summary>
    /// The two sides of the metric, by brute force, for one incident and advertiser: told first when a notice reached them
    /// at or before their first linked case (or they never wrote); asked first when their first linked case came before
    /// any notice.
    /// </summary>
    public static bool AskedFirst(DateTimeOffset? notifiedAt, DateTimeOffset? firstCaseAt) =>
        firstCaseAt is { } asked && (notifiedAt is not { } told || asked < told);
}
