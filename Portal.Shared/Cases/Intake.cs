using System.Globalization;

namespace Portal.Shared.Cases;

/// <summary>
/// What an advertiser sent through the support form, kept until they prove their address by the one-time link: then
/// it becomes a case, once. Only the token's hash is stored.
/// </summary>
public sealed class SupportRequest
{
    public long Id { get; set; }
    public required string TokenHash { get; set; }
    public required string Email { get; set; }
    public string? AccountId { get; set; }
    public required string Subject { get; set; }
    public required string Body { get; set; }
    public required string Category { get; set; }
    public string? Address { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public long? CaseNumber { get; set; }
}

/// <summary>What an outgoing case email is.</summary>
public enum CaseMailKind
{
    /// <summary>The support form's one-time link.</summary>
    Confirm,

    /// <summary>A public reply from the team.</summary>
    Reply,

    /// <summary>The satisfaction survey after solving.</summary>
    Survey,

    /// <summary>A proactive notice about an incident, before the advertiser wrote in.</summary>
    Notice,
}

/// <summary>
/// An email to an advertiser, written in the same commit as what it tells (the outbox), then sent by the mail sender
/// with its threading headers. Nothing acknowledged is lost if SMTP is down: it stays here until sent.
/// </summary>
public sealed class CaseMail
{
    public long Id { get; set; }
    public long? CaseNumber { get; set; }
    public CaseMailKind Kind { get; set; }
    public required string To { get; set; }
    public required string Subject { get; set; }
    public required string Body { get; set; }

    /// <summary>This email's Message-ID ("&lt;case-1234.17@portal&gt;").</summary>
    public required string MessageId { get; set; }

    /// <summary>The message it answers (the advertiser's last), for threading.</summary>
    public string? InReplyTo { get; set; }

    /// <summary>The thread so far, oldest first, space-separated.</summary>
    public string? References { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? Error { get; set; }
}

/// <summary>The one-question survey of a solved case: 1 to 5 and a comment, answered once.</summary>
public sealed class CaseSurvey
{
    public long CaseNumber { get; set; }
    public SupportCase? Case { get; set; }
    public DateTimeOffset SentAt { get; set; }
    public string Language { get; set; } = "en";
    public DateTimeOffset? AnsweredAt { get; set; }
    public int? Score { get; set; }
    public string? Comment { get; set; }
}

/// <summary>The rules of the support form, of case emails' subjects and of the survey.</summary>
public static class IntakeRules
{
    public const int MaxPendingPerAddressPerHour = 5;
    public static readonly TimeSpan ConfirmLinkLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan CaseLinkLifetime = TimeSpan.FromDays(60);
    public static readonly TimeSpan SurveyLinkLifetime = TimeSpan.FromDays(30);
    public const int MaxComment = 2000;

    /// <summary>"[CASE-1234]" in a subject: how replies by email find their case.</summary>
    public static string SubjectTag(long number) => $"[{CaseNumber.Format(number)}]";

    /// <summary>The case a subject names with its tag, if any ("Re: [CASE-1234] Refund" → 1234).</summary>
    public static long? NumberInSubject(string? subject)
    {
        var s = subject ?? "";
        var at = s.IndexOf("[" + CaseNumber.Prefix, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }
        var end = s.IndexOf(']', at);
        return end > at && CaseNumber.TryParse(s[(at + 1)..end], out var n) ? n : null;
    }

    /// <summary>A Message-ID of the portal's for a case's message ("&lt;case-1234.m17@host&gt;").</summary>
    public static string MessageId(long caseNumber, string part, string host) =>
        string.Create(CultureInfo.InvariantCulture, $"<case-{caseNumber}.{part}@{host}>");

    /// <summary>The Message-ID of the proactive notice about an incident to one advertiser's n-th contact ("&lt;notice-1042.17-0@host&gt;").</summary>
    public static string NoticeMessageId(long incidentNumber, int advertiserId, int contact, string host) =>
        string.Create(CultureInfo.InvariantCulture, $"<notice-{incidentNumber}.{advertiserId}-{contact}@{host}>");

    /// <summary>The incident a proactive notice's Message-ID names, if it is one of this host's: an answer to it opens a case linked there.</summary>
    public static long? IncidentInNoticeId(string? messageId, string host) => NumberIn(messageId, "notice-", host);

    /// <summary>The case a Message-ID of the portal's belongs to, if it is one of this host's.</summary>
    public static long? NumberInMessageId(string? messageId, string host) => NumberIn(messageId, "case-", host);

    /// <summary>The number after <paramref name="prefix"/> and before the first dot of one of this host's Message-IDs.</summary>
    private static long? NumberIn(string? messageId, string prefix, string host)
    {
        var id = messageId?.Trim().Trim('<', '>') ?? "";
        if (!id.StartsWith(prefix, StringComparison.Ordinal) || !id.EndsWith("@" + host, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var dot = id.IndexOf('.', StringComparison.Ordinal);
        return dot > prefix.Length && long.TryParse(id.AsSpan(prefix.Length, dot - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>CSAT over answered surveys: good (4-5) ÷ (good + bad); null with none answered.</summary>
    public static double? Csat(IEnumerable<int> scores)
    {
        int good = 0, all = 0;
        foreach (var s in scores)
        {
            all++;
            if (s >= 4)
            {
                good++;
            }
        }
        return all == 0 ? null : (double)good / all;
    }

    /// <summary>The survey's question and answers in the advertiser's language (English where there is no template).</summary>
    public static SurveyText Survey(string? language) => (language ?? "en").Split('-')[0].ToLowerInvariant() switch
    {
        "ja" => new("ja", "今回のサポートにどの程度満足されましたか？", "コメント（任意）", "送信", ["とても不満", "不満", "どちらでもない", "満足", "とても満足"], "ご回答ありがとうございました。"),
        "es" => new("es", "¿Qué tan satisfecho quedó con la ayuda que recibió?", "Comentario (opcional)", "Enviar", ["Muy insatisfecho", "Insatisfecho", "Neutral", "Satisfecho", "Muy satisfecho"], "Gracias por su respuesta."),
        "de" => new("de", "Wie zufrieden waren Sie mit der Hilfe?", "Kommentar (optional)", "Senden", ["Sehr unzufrieden", "Unzufrieden", "Neutral", "Zufrieden", "Sehr zufrieden"], "Danke für Ihre Antwort."),
        _ => new("en", "How satisfied were you with the help you received?", "Comment (optional)", "Send", ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"], "Thank you for your answer."),
    };
}

/// <summary>The survey's words in one language.</summary>
public sealed record SurveyText(string Language, string Question, string CommentLabel, string Send, IReadOnlyList<string> Answers, string Thanks);

/// <summary>A case linked to an incident: the advertiser it hurt. Any number of cases per incident, and incidents per case.</summary>
public sealed class CaseIncident
{
    public long CaseNumber { get; set; }
    public long IncidentNumber { get; set; }
    public DateTimeOffset LinkedAt { get; set; }
    public required string LinkedBy { get; set; }
}

/// <summary>The one update an incident's commander sent to every linked case, once per incident.</summary>
public sealed class IncidentCaseUpdate
{
    public long IncidentNumber { get; set; }
    public DateTimeOffset SentAt { get; set; }
    public required string SentBy { get; set; }
    public int Cases { get; set; }
}

/// <summary>Which service a case's category usually concerns: how a new case finds the open incident it may belong to.</summary>
public static class CaseServices
{
    private static readonly Dictionary<string, string[]> ByCategory = new(StringComparer.Ordinal)
    {
        ["invoice-dispute"] = ["invoicing", "advertiser-ledger", "billing-api"],
        ["duplicate-charge"] = ["payments", "advertiser-ledger"],
        ["refund"] = ["payments", "advertiser-ledger"],
        ["payment-failure"] = ["payments", "fx-rates"],
        ["tax-document"] = ["tax", "invoicing"],
        ["budget-promotion"] = ["budgets", "promotions"],
        ["credit-line"] = ["advertiser-ledger", "payments"],
    };

    /// <summary>The service slugs a category points at (none for "other" or a category not mapped).</summary>
    public static IReadOnlyList<string> For(string category) => ByCategory.TryGetValue(category, out var slugs) ? slugs : [];
}
