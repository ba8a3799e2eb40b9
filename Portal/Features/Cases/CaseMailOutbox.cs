using System.Globalization;
using Portal.Shared.Cases;

namespace Portal.Features.Cases;

/// <summary>The emails a case sends, built to be written in the same commit as what they tell.</summary>
public static class CaseMailOutbox
{
    /// <summary>A public reply, threaded onto what the advertiser sent by email (In-Reply-To their last, References the thread).</summary>
    public static CaseMail Reply(SupportCase c, CaseMessage reply, IReadOnlyList<string> thread, string caseLink, CaseOptions options, DateTimeOffset now) =>
        new()
        {
            CaseNumber = c.Number, Kind = CaseMailKind.Reply, To = c.RequesterEmail!, CreatedAt = now, NextAttemptAt = now,
            Subject = $"Re: {IntakeRules.SubjectTag(c.Number)} {c.Subject}",
            MessageId = IntakeRules.MessageId(c.Number, "r" + now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + "-" + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture), options.MailHost),
            InReplyTo = thread.Count > 0 ? thread[^1] : null,
            References = thread.Count > 0 ? string.Join(' ', thread.TakeLast(20)) : null,
            Body = $"{reply.Body}\n\n--\n{reply.AuthorName}, Billing Support\nYour case {c.Key}: {Link(options, caseLink)}\nReply to this email to answer; keep {IntakeRules.SubjectTag(c.Number)} in the subject.",
        };

    /// <summary>The survey of a solved case, in the advertiser's language where there is a template.</summary>
    public static CaseMail Survey(SupportCase c, string language, string surveyLink, CaseOptions options, DateTimeOffset now)
    {
        var text = IntakeRules.Survey(language);
        return new()
        {
            CaseNumber = c.Number, Kind = CaseMailKind.Survey, To = c.RequesterEmail!, CreatedAt = now, NextAttemptAt = now,
            Subject = $"{IntakeRules.SubjectTag(c.Number)} {text.Question}",
            MessageId = IntakeRules.MessageId(c.Number, "survey", options.MailHost),
            Body = $"{text.Question}\n\n{Link(options, surveyLink)}\n",
        };
    }

    /// <summary>The support form's one-time link.</summary>
    public static CaseMail Confirm(string to, string subject, string confirmLink, CaseOptions options, DateTimeOffset now) =>
        new()
        {
            Kind = CaseMailKind.Confirm, To = to, CreatedAt = now, NextAttemptAt = now,
            Subject = "Confirm your billing support request",
            MessageId = $"<confirm-{Guid.NewGuid():N}@{options.MailHost}>",
            Body = $"You asked for help with: {subject}\n\nOpen this link within 24 hours to confirm it is your address and send the request:\n{Link(options, confirmLink)}\n\nIf this was not you, ignore this email.",
        };

    /// <summary>A proactive notice about an incident to one of an advertiser's billing contacts; an answer to it opens a case linked to the incident.</summary>
    public static CaseMail Notice(ProactiveNotice notice, int advertiserId, int contact, string to, CaseOptions options, DateTimeOffset now) =>
        new()
        {
            Kind = CaseMailKind.Notice, To = to, CreatedAt = now, NextAttemptAt = now, Subject = notice.Subject,
            MessageId = IntakeRules.NoticeMessageId(notice.IncidentNumber, advertiserId, contact, options.MailHost),
            Body = $"{notice.Body}\n\n--\nBilling Support\nReply to this email if you need help; your answer opens a support case.",
        };

    /// <summary>An absolute link when the portal's public address is known, else the path.</summary>
    public static string Link(CaseOptions options, string path) =>
        options.PublicUrl is { Length: > 0 } root ? root.TrimEnd('/') + path : path;
}
