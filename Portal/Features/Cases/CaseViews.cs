using System.ComponentModel.DataAnnotations;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Features.Directory;
using Portal.Shared.Directory;

namespace Portal.Features.Cases;

/// <summary>A case opened through the API or by a person: the advertiser by account id, the rest optional.</summary>
/// <param name="Advertiser">The advertiser's account id.</param>
/// <param name="Subject">One line: what it is about.</param>
/// <param name="Body">The advertiser's words, or the account team's (the first message).</param>
/// <param name="Category">A category slug (GET /api/cases/categories); other when empty.</param>
/// <param name="Priority">P1 to P4; P3 when empty.</param>
/// <param name="Channel">Api (default) or Internal (an escalation from an account team).</param>
/// <param name="Assignee">A person's handle.</param>
/// <param name="Team">A team's slug.</param>
/// <param name="Tags">Free tags.</param>
/// <param name="DisputedAmount">The amount in dispute, exact.</param>
/// <param name="Currency">Its ISO 4217 code; needed with an amount.</param>
/// <param name="RequesterEmail">Where replies go; the advertiser's first billing address when empty.</param>
public sealed record NewCase(
    string? Advertiser, string? Subject, [property: MultiLine] string? Body = null, string? Category = null, CasePriority? Priority = null,
    CaseChannel? Channel = null, string? Assignee = null, string? Team = null, [property: MaxLength(CaseWorkflow.MaxTags)] IReadOnlyList<string>? Tags = null,
    decimal? DisputedAmount = null, string? Currency = null, string? RequesterEmail = null);

/// <summary>A row of the case queue.</summary>
public sealed record CaseRow(
    long Number, string Key, string Subject, CaseStatus Status, CasePriority Priority, CaseChannel Channel, string Category,
    string AdvertiserAccountId, string AdvertiserName, AdvertiserTier Tier, RegionCode Region, string? Assignee, string? AssigneeName,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FirstReplyDueAt, DateTimeOffset? ResolutionDueAt,
    DateTimeOffset? FirstRepliedAt, DateTimeOffset? ClocksPausedSince, bool Breached, int Version);

public sealed record CasePage(IReadOnlyList<CaseRow> Items, string? NextCursor);

/// <summary>One message of the conversation, as the team sees it.</summary>
public sealed record CaseMessageView(long Id, CaseMessageKind Kind, string AuthorName, string Body, DateTimeOffset At, IReadOnlyList<CaseAttachment> Attachments);

/// <summary>One entry of the case's timeline.</summary>
public sealed record CaseEventView(long Id, CaseEventKind Kind, string ActorName, DateTimeOffset At, string? Text, string? From, string? To);

/// <summary>A case in full, as the team sees it: conversation, timeline and clocks.</summary>
public sealed record CaseDetail(
    long Number, string Key, string Subject, CaseStatus Status, CasePriority Priority, CaseChannel Channel, string Category,
    AdvertiserView Advertiser, RegionCode Region, string? Team, string? Assignee, string? AssigneeName, IReadOnlyList<string> Tags,
    decimal? DisputedAmount, string? Currency, string? RequesterEmail, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? FirstRepliedAt, DateTimeOffset? SolvedAt, DateTimeOffset? ClosedAt, int PublicReplies, int ReopenCount,
    long? MergedInto, long? FollowUpOf, int Version, IReadOnlyList<CaseClock> Clocks, IReadOnlyList<CaseMessageView> Messages,
    IReadOnlyList<CaseEventView> Timeline);

public sealed record CaseReplyRequest([property: MultiLine] string? Body, CaseStatus? Then = null, int? Version = null);

public sealed record CaseNoteRequest([property: MultiLine] string? Body);

public sealed record CaseStatusRequest(CaseStatus? Status, [property: MultiLine] string? Note = null, int? Version = null);

public sealed record CaseAssignRequest(string? Assignee, int? Version = null);

public sealed record CasePriorityRequest(CasePriority? Priority, int? Version = null);

public sealed record CaseRouteRequest(string? Category, string? Team, int? Version = null);

public sealed record CaseMergeRequest(string? Into, int? Version = null);

/// <summary>The <c>Cases</c> section.</summary>
public sealed class CaseOptions
{
    /// <summary>How long after solving an advertiser's message reopens the case; after it (or once closed) it opens a follow-up.</summary>
    public TimeSpan ReopenWindow { get; set; } = CaseWorkflow.DefaultReopenWindow;

    /// <summary>The categories cases are filed under; the defaults when none are configured.</summary>
    public List<CaseCategory> Categories { get; set; } = [];

    /// <summary>How often open cases are checked for SLA clocks that ran out.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The host name in the Message-IDs of case emails ("support.example.com"); replies are matched to cases by it.</summary>
    public string MailHost { get; set; } = "portal.localhost";

    /// <summary>The address advertisers' case emails come from, and reply to (the mailbox the portal reads).</summary>
    public string MailFrom { get; set; } = "Billing Support <support@portal.localhost>";

    /// <summary>The portal's address as advertisers reach it ("https://support.example.com"), for the links in emails.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The support mailbox read over IMAP; no host, no mail intake.</summary>
    public ImapOptions Imap { get; set; } = new();

    /// <summary>How often unsent case emails are retried, and the mailbox read.</summary>
    public TimeSpan MailInterval { get; set; } = TimeSpan.FromSeconds(20);

    public IReadOnlyList<CaseCategory> CategoryList => Categories.Count > 0 ? Categories : CaseCategories.Defaults;
}

/// <summary>The <c>Cases:Imap</c> section: the support mailbox.</summary>
public sealed class ImapOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 993;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string Folder { get; set; } = "INBOX";

    /// <summary>Auto (TLS on 993, STARTTLS when offered), None, SslOnConnect or StartTls.</summary>
    public MailKit.Security.SecureSocketOptions Security { get; set; } = MailKit.Security.SecureSocketOptions.Auto;
}

/// <summary>A completed review: a rating per category, and a comment.</summary>
public sealed record QualitySubmission([property: MaxLength(20)] IReadOnlyList<CategoryRating>? Ratings, [property: MultiLine] string? Comment = null);

/// <summary>How many linked cases an incident's update went to. (Named records here: the build-time request delegates cannot name an anonymous type.)</summary>
public sealed record CaseUpdateSent(int Sent);

/// <summary>A case's linked incidents and the ones suggested for it.</summary>
public sealed record CaseIncidentLinks(IReadOnlyList<LinkedIncident> Linked, IReadOnlyList<LinkedIncident> Suggested);
