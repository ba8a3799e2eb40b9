using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Directory;

namespace Portal.Infrastructure.Data;

internal sealed class AdvertiserConfiguration : IEntityTypeConfiguration<Advertiser>
{
    public void Configure(EntityTypeBuilder<Advertiser> builder)
    {
        builder.Property(a => a.AccountId).HasMaxLength(40);
        builder.HasIndex(a => a.AccountId).IsUnique();
        builder.Property(a => a.Name).HasMaxLength(AdvertiserRules.MaxName);
        builder.Property(a => a.Marketplace).HasMaxLength(60);
        builder.Property(a => a.Language).HasMaxLength(20);
        builder.Property(a => a.TimeZone).HasMaxLength(64);
        builder.HasIndex(a => new { a.Region, a.Name });
        builder.HasIndex(a => a.Name);
    }
}

internal sealed class SupportCaseConfiguration : IEntityTypeConfiguration<SupportCase>
{
    public void Configure(EntityTypeBuilder<SupportCase> builder)
    {
        builder.ToTable("Cases");
        builder.HasKey(c => c.Number);
        builder.Property(c => c.Number).ValueGeneratedOnAdd();
        builder.Ignore(c => c.Key);
        builder.Ignore(c => c.IsDone);
        builder.Property(c => c.Subject).HasMaxLength(CaseWorkflow.MaxSubject);
        builder.Property(c => c.Category).HasMaxLength(40);
        builder.Property(c => c.Currency).HasMaxLength(3);
        builder.Property(c => c.RequesterEmail).HasMaxLength(254);
        builder.Property(c => c.DisputedAmount).HasPrecision(18, 4);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.HasOne(c => c.Advertiser).WithMany().HasForeignKey(c => c.AdvertiserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.Assignee).WithMany().HasForeignKey(c => c.AssigneeId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(c => c.Team).WithMany().HasForeignKey(c => c.TeamId).OnDelete(DeleteBehavior.SetNull);
        // The queue's filters, each ending in Number for keyset paging; open cases (not Solved or Closed) are the few
        // the queue shows by default, so partial indexes hold just them, as for incidents.
        const string openOnly = "\"Status\" NOT IN ('Solved', 'Closed')";
        builder.HasIndex(c => c.Number, "IX_Cases_Open_Number").HasFilter(openOnly);
        builder.HasIndex(c => new { c.Region, c.Number }, "IX_Cases_Open_Region").HasFilter(openOnly);
        builder.HasIndex(c => new { c.AssigneeId, c.Number }, "IX_Cases_Open_Assignee").HasFilter(openOnly);
        builder.HasIndex(c => new { c.Priority, c.Number }, "IX_Cases_Open_Priority").HasFilter(openOnly);
        builder.HasIndex(c => new { c.Status, c.Number });
        builder.HasIndex(c => new { c.AdvertiserId, c.Number });
        builder.HasIndex(c => new { c.Region, c.Status, c.Number });
        builder.HasIndex(c => new { c.AssigneeId, c.Status, c.Number });
        // The SLA monitor's scan: running clocks by due.
        builder.HasIndex(c => new { c.FirstReplyDueAt }).HasFilter("\"FirstRepliedAt\" IS NULL AND \"FirstReplyBreached\" = FALSE");
        builder.HasIndex(c => new { c.ResolutionDueAt }).HasFilter("\"SolvedAt\" IS NULL AND \"ClosedAt\" IS NULL AND \"ResolutionBreached\" = FALSE");
        // Case KPIs read periods of cases by creation and aggregate these columns: the index alone answers them.
        builder.HasIndex(c => new
        {
            c.CreatedAt, c.Region, c.TeamId, c.Category, c.Channel, c.Priority, c.Status, c.FirstRepliedAt, c.SolvedAt,
            c.PublicReplies, c.ReopenCount, c.FirstReplyBreached, c.ResolutionBreached, c.FirstReplyDueAt, c.ResolutionDueAt, c.MergedIntoNumber, c.AssigneeId,
        }, "IX_Cases_Metrics");
        // Follow-ups are few: a partial index keeps them, which the planners pick for "the follow-ups of this case".
        builder.HasIndex(c => new { c.FollowUpOfNumber, c.CreatedAt }).HasFilter("\"FollowUpOfNumber\" IS NOT NULL");
    }
}

internal sealed class CaseMessageConfiguration : IEntityTypeConfiguration<CaseMessage>
{
    public void Configure(EntityTypeBuilder<CaseMessage> builder)
    {
        builder.ToTable("CaseMessages");
        builder.Property(m => m.AuthorName).HasMaxLength(254);
        builder.Property(m => m.Body).HasMaxLength(CaseWorkflow.MaxBody);
        builder.Property(m => m.MessageId).HasMaxLength(400);
        builder.HasIndex(m => m.MessageId).IsUnique();
        builder.HasIndex(m => new { m.CaseNumber, m.Id });
        builder.HasIndex(m => new { m.CaseNumber, m.Kind, m.At });
        builder.Property(m => m.Attachments).HasConversion(JsonColumn.Converter<List<CaseAttachment>>(), JsonColumn.Comparer<List<CaseAttachment>>());
        builder.HasOne(m => m.Case).WithMany().HasForeignKey(m => m.CaseNumber).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CaseEventConfiguration : IEntityTypeConfiguration<CaseEvent>
{
    public void Configure(EntityTypeBuilder<CaseEvent> builder)
    {
        builder.ToTable("CaseEvents");
        builder.Property(t => t.ActorName).HasMaxLength(254);
        builder.Property(t => t.Text).HasMaxLength(2000);
        builder.Property(t => t.From).HasMaxLength(120);
        builder.Property(t => t.To).HasMaxLength(120);
        builder.HasIndex(t => new { t.CaseNumber, t.Id });
        builder.HasOne(t => t.Case).WithMany().HasForeignKey(t => t.CaseNumber).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CaseSlaPolicyConfiguration : IEntityTypeConfiguration<CaseSlaPolicy>
{
    public void Configure(EntityTypeBuilder<CaseSlaPolicy> builder)
    {
        builder.ToTable("CaseSlaPolicies");
        builder.Ignore(p => p.FirstReply);
        builder.Ignore(p => p.Resolution);
        builder.HasIndex(p => new { p.Priority, p.Tier }).IsUnique();
        builder.HasData(CaseSla.Defaults.Select(p => new CaseSlaPolicy
        {
            Id = p.Id, Priority = p.Priority, Tier = p.Tier, FirstReplyMinutes = p.FirstReplyMinutes, ResolutionMinutes = p.ResolutionMinutes, BusinessHours = p.BusinessHours,
        }));
    }
}

internal sealed class RegionCalendarConfiguration : IEntityTypeConfiguration<RegionCalendar>
{
    public void Configure(EntityTypeBuilder<RegionCalendar> builder)
    {
        builder.ToTable("RegionCalendars");
        builder.HasKey(c => c.Region);
        builder.Property(c => c.Opens).HasMaxLength(5);
        builder.Property(c => c.Closes).HasMaxLength(5);
        builder.Property(c => c.WorkingDays).HasConversion(JsonColumn.Converter<List<IsoDayOfWeek>>(), JsonColumn.Comparer<List<IsoDayOfWeek>>());
        builder.Property(c => c.Holidays).HasConversion(JsonColumn.Converter<List<string>>(), JsonColumn.Comparer<List<string>>());
        builder.HasData(Enum.GetValues<RegionCode>().Select(RegionCalendars.Default));
    }
}

internal sealed class SupportRequestConfiguration : IEntityTypeConfiguration<SupportRequest>
{
    public void Configure(EntityTypeBuilder<SupportRequest> builder)
    {
        builder.ToTable("SupportRequests");
        builder.Property(r => r.TokenHash).HasMaxLength(64);
        builder.HasIndex(r => r.TokenHash).IsUnique();
        builder.Property(r => r.Email).HasMaxLength(254);
        builder.Property(r => r.AccountId).HasMaxLength(40);
        builder.Property(r => r.Subject).HasMaxLength(CaseWorkflow.MaxSubject);
        builder.Property(r => r.Body).HasMaxLength(CaseWorkflow.MaxBody);
        builder.Property(r => r.Category).HasMaxLength(40);
        builder.Property(r => r.Address).HasMaxLength(64);
        builder.HasIndex(r => new { r.Email, r.CreatedAt });
    }
}

internal sealed class CaseMailConfiguration : IEntityTypeConfiguration<CaseMail>
{
    public void Configure(EntityTypeBuilder<CaseMail> builder)
    {
        builder.ToTable("CaseMails");
        builder.Property(m => m.To).HasMaxLength(254);
        builder.Property(m => m.Subject).HasMaxLength(300);
        builder.Property(m => m.Body).HasMaxLength(CaseWorkflow.MaxBody + 2000);
        builder.Property(m => m.MessageId).HasMaxLength(400);
        builder.HasIndex(m => m.MessageId).IsUnique();
        builder.Property(m => m.InReplyTo).HasMaxLength(400);
        builder.Property(m => m.References).HasMaxLength(4000);
        builder.Property(m => m.Error).HasMaxLength(1000);
        builder.HasIndex(m => m.NextAttemptAt).HasFilter("\"SentAt\" IS NULL");
        builder.HasIndex(m => new { m.CaseNumber, m.Id });
    }
}

internal sealed class CaseSurveyConfiguration : IEntityTypeConfiguration<CaseSurvey>
{
    public void Configure(EntityTypeBuilder<CaseSurvey> builder)
    {
        builder.ToTable("CaseSurveys");
        builder.HasKey(s => s.CaseNumber);
        builder.Property(s => s.CaseNumber).ValueGeneratedNever();
        builder.Property(s => s.Language).HasMaxLength(20);
        builder.Property(s => s.Comment).HasMaxLength(IntakeRules.MaxComment);
        builder.HasOne(s => s.Case).WithOne().HasForeignKey<CaseSurvey>(s => s.CaseNumber).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.SentAt, s.Score });
        builder.HasIndex(s => new { s.AnsweredAt, s.Score });
    }
}

internal sealed class CaseIncidentConfiguration : IEntityTypeConfiguration<CaseIncident>
{
    public void Configure(EntityTypeBuilder<CaseIncident> builder)
    {
        builder.ToTable("CaseIncidents");
        builder.HasKey(l => new { l.CaseNumber, l.IncidentNumber });
        builder.Property(l => l.LinkedBy).HasMaxLength(120);
        builder.HasIndex(l => l.IncidentNumber);
        builder.HasOne<SupportCase>().WithMany().HasForeignKey(l => l.CaseNumber).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Shared.Incidents.Incident>().WithMany().HasForeignKey(l => l.IncidentNumber).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IncidentCaseUpdateConfiguration : IEntityTypeConfiguration<IncidentCaseUpdate>
{
    public void Configure(EntityTypeBuilder<IncidentCaseUpdate> builder)
    {
        builder.ToTable("IncidentCaseUpdates");
        builder.HasKey(u => u.IncidentNumber);
        builder.Property(u => u.IncidentNumber).ValueGeneratedNever();
        builder.Property(u => u.SentBy).HasMaxLength(120);
        builder.HasOne<Shared.Incidents.Incident>().WithMany().HasForeignKey(u => u.IncidentNumber).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProactiveNoticeConfiguration : IEntityTypeConfiguration<ProactiveNotice>
{
    public void Configure(EntityTypeBuilder<ProactiveNotice> builder)
    {
        builder.ToTable("ProactiveNotices");
        builder.HasKey(n => n.IncidentNumber);
        builder.Property(n => n.IncidentNumber).ValueGeneratedNever();
        builder.Property(n => n.Subject).HasMaxLength(ProactiveRules.MaxSubject);
        builder.Property(n => n.Body).HasMaxLength(ProactiveRules.MaxBody);
        builder.Property(n => n.SentBy).HasMaxLength(120);
        builder.HasOne<Shared.Incidents.Incident>().WithMany().HasForeignKey(n => n.IncidentNumber).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProactiveRecipientConfiguration : IEntityTypeConfiguration<ProactiveRecipient>
{
    public void Configure(EntityTypeBuilder<ProactiveRecipient> builder)
    {
        builder.ToTable("ProactiveRecipients");
        // Told once per incident: the key is what stops a second notice reaching anyone twice.
        builder.HasKey(r => new { r.IncidentNumber, r.AdvertiserId });
        builder.HasIndex(r => new { r.AdvertiserId, r.NotifiedAt });
        builder.HasIndex(r => r.NotifiedAt);
        builder.HasOne<ProactiveNotice>().WithMany().HasForeignKey(r => r.IncidentNumber).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Advertiser>().WithMany().HasForeignKey(r => r.AdvertiserId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class QualityScorecardConfiguration : IEntityTypeConfiguration<QualityScorecard>
{
    public void Configure(EntityTypeBuilder<QualityScorecard> builder)
    {
        builder.ToTable("QualityScorecards");
        builder.Property(s => s.Name).HasMaxLength(120);
        builder.Property(s => s.Categories).HasConversion(JsonColumn.Converter<List<ScorecardCategory>>(), JsonColumn.Comparer<List<ScorecardCategory>>());
        builder.HasData(new QualityScorecard { Id = 1, Name = "Billing support", Categories = [.. QualityRules.DefaultCategories] });
    }
}

internal sealed class QualityReviewConfiguration : IEntityTypeConfiguration<QualityReview>
{
    public void Configure(EntityTypeBuilder<QualityReview> builder)
    {
        builder.ToTable("QualityReviews");
        builder.Property(r => r.Ratings).HasConversion(JsonColumn.Converter<List<CategoryRating>>(), JsonColumn.Comparer<List<CategoryRating>>());
        builder.Property(r => r.Comment).HasMaxLength(QualityRules.MaxComment);
        builder.Property(r => r.Dispute).HasMaxLength(QualityRules.MaxComment);
        builder.HasIndex(r => new { r.CaseNumber, r.ReviewerId }).IsUnique();
        builder.HasIndex(r => new { r.ReviewerId, r.CompletedAt });
        builder.HasIndex(r => new { r.EngineerId, r.CompletedAt });
        builder.HasIndex(r => r.CompletedAt);
        builder.HasOne<SupportCase>().WithMany().HasForeignKey(r => r.CaseNumber).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<QualityScorecard>().WithMany().HasForeignKey(r => r.ScorecardId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(r => r.EngineerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(r => r.ReviewerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class QualitySampleConfiguration : IEntityTypeConfiguration<QualitySample>
{
    public void Configure(EntityTypeBuilder<QualitySample> builder)
    {
        builder.ToTable("QualitySamples");
        builder.HasKey(s => s.WeekStart);
    }
}
