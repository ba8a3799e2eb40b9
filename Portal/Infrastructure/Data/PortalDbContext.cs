using Microsoft.EntityFrameworkCore;
using Portal.Shared.Alerts;
using Portal.Shared.Cases;
using Portal.Shared.Directory;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.OnCall;
using Portal.Shared.Rca;
using Portal.Shared.Runbooks;
using Portal.Shared.Team;

namespace Portal.Infrastructure.Data;

/// <summary>
/// The portal's database. Each provider has its own subclass, so each keeps its own migration set
/// (SQLite and PostgreSQL differ in types and in what ALTER TABLE can do).
/// </summary>
public abstract class PortalDbContext(DbContextOptions options) : DbContext(options), Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.IDataProtectionKeyContext
{
    public DbSet<Person> People => Set<Person>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<BusinessService> Services => Set<BusinessService>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<TimelineEvent> Timeline => Set<TimelineEvent>();
    public DbSet<IncidentMerge> IncidentMerges => Set<IncidentMerge>();
    public DbSet<SlaPolicy> SlaPolicies => Set<SlaPolicy>();
    public DbSet<SavedView> SavedViews => Set<SavedView>();
    public DbSet<Integration> Integrations => Set<Integration>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<Schedule> Schedules => Set<Schedule>();
    public DbSet<ScheduleOverride> Overrides => Set<ScheduleOverride>();
    public DbSet<EscalationPolicy> EscalationPolicies => Set<EscalationPolicy>();
    public DbSet<IncidentEscalation> Escalations => Set<IncidentEscalation>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<NotificationChannel> Channels => Set<NotificationChannel>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<SwapRequest> Swaps => Set<SwapRequest>();
    public DbSet<HandoffNote> HandoffNotes => Set<HandoffNote>();
    public DbSet<CalendarFeed> CalendarFeeds => Set<CalendarFeed>();
    public DbSet<Runbook> Runbooks => Set<Runbook>();
    public DbSet<RunbookRevision> RunbookRevisions => Set<RunbookRevision>();
    public DbSet<RunbookSlug> RunbookSlugs => Set<RunbookSlug>();
    public DbSet<RunbookUsage> RunbookUsages => Set<RunbookUsage>();
    public DbSet<RcaDocument> Rcas => Set<RcaDocument>();
    public DbSet<RcaIncident> RcaIncidents => Set<RcaIncident>();
    public DbSet<RcaEvent> RcaEvents => Set<RcaEvent>();
    public DbSet<ActionItem> ActionItems => Set<ActionItem>();
    public DbSet<RecurrenceFamily> Families => Set<RecurrenceFamily>();
    public DbSet<FamilyMember> FamilyMembers => Set<FamilyMember>();
    public DbSet<OneOnOneSeries> OneOnOneSeries => Set<OneOnOneSeries>();
    public DbSet<OneOnOneMeeting> OneOnOneMeetings => Set<OneOnOneMeeting>();
    public DbSet<OneOnOneItem> OneOnOneItems => Set<OneOnOneItem>();
    public DbSet<OneOnOnePrivateNote> OneOnOnePrivateNotes => Set<OneOnOnePrivateNote>();
    public DbSet<DevelopmentPlan> Plans => Set<DevelopmentPlan>();
    public DbSet<PlanGoal> PlanGoals => Set<PlanGoal>();
    public DbSet<PlanUpdate> PlanUpdates => Set<PlanUpdate>();
    public DbSet<ReviewCycle> ReviewCycles => Set<ReviewCycle>();
    public DbSet<Review> Reviews => Set<Review>();
    public DbSet<PeerFeedback> PeerFeedback => Set<PeerFeedback>();
    public DbSet<OnboardingTemplate> OnboardingTemplates => Set<OnboardingTemplate>();
    public DbSet<OnboardingTask> OnboardingTasks => Set<OnboardingTask>();
    public DbSet<Advertiser> Advertisers => Set<Advertiser>();
    public DbSet<SupportCase> Cases => Set<SupportCase>();
    public DbSet<CaseMessage> CaseMessages => Set<CaseMessage>();
    public DbSet<CaseEvent> CaseEvents => Set<CaseEvent>();
    public DbSet<CaseSlaPolicy> CaseSlaPolicies => Set<CaseSlaPolicy>();
    public DbSet<RegionCalendar> RegionCalendars => Set<RegionCalendar>();
    public DbSet<SupportRequest> SupportRequests => Set<SupportRequest>();
    public DbSet<CaseMail> CaseMails => Set<CaseMail>();
    public DbSet<CaseSurvey> CaseSurveys => Set<CaseSurvey>();
    public DbSet<CaseIncident> CaseIncidents => Set<CaseIncident>();
    public DbSet<IncidentCaseUpdate> IncidentCaseUpdates => Set<IncidentCaseUpdate>();
    public DbSet<ProactiveNotice> ProactiveNotices => Set<ProactiveNotice>();
    public DbSet<ProactiveRecipient> ProactiveRecipients => Set<ProactiveRecipient>();
    public DbSet<Shared.Intelligence.Embedding> Embeddings => Set<Shared.Intelligence.Embedding>();
    public DbSet<Shared.Intelligence.TriageFeedback> TriageFeedback => Set<Shared.Intelligence.TriageFeedback>();
    public DbSet<Shared.Intelligence.EarlyWarning> EarlyWarnings => Set<Shared.Intelligence.EarlyWarning>();
    public DbSet<Shared.Intelligence.DraftRecord> Drafts => Set<Shared.Intelligence.DraftRecord>();
    public DbSet<QualityScorecard> QualityScorecards => Set<QualityScorecard>();
    public DbSet<QualityReview> QualityReviews => Set<QualityReview>();
    public DbSet<QualitySample> QualitySamples => Set<QualitySample>();
    public DbSet<Shared.Automation.AutomationAction> AutomationActions => Set<Shared.Automation.AutomationAction>();
    public DbSet<Shared.Automation.ActionVersion> ActionVersions => Set<Shared.Automation.ActionVersion>();
    public DbSet<Shared.Automation.ActionRun> ActionRuns => Set<Shared.Automation.ActionRun>();
    public DbSet<Shared.Automation.HealingRule> HealingRules => Set<Shared.Automation.HealingRule>();
    public DbSet<Shared.Automation.AutomationSettings> AutomationSettings => Set<Shared.Automation.AutomationSettings>();
    public DbSet<Shared.Automation.RunnerToken> RunnerTokens => Set<Shared.Automation.RunnerToken>();
    public DbSet<Shared.Automation.WorkflowRule> WorkflowRules => Set<Shared.Automation.WorkflowRule>();
    public DbSet<Shared.Automation.RuleFiring> RuleFirings => Set<Shared.Automation.RuleFiring>();

    /// <summary>The Data Protection key ring, shared by every node so a sign-in cookie works on all of them.</summary>
    public DbSet<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> DataProtectionKeys =>
        Set<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name: readable in SQL, and stable when members are reordered.
        configurationBuilder.Properties<RegionCode>().HaveConversion<string>().HaveMaxLength(2);
        configurationBuilder.Properties<PortalRole>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ServiceTier>().HaveConversion<string>().HaveMaxLength(8);
        configurationBuilder.Properties<IncidentStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<TimelineEventKind>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<EscalationState>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<NotificationKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ChannelKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<DeliveryState>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<SwapState>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<RunbookUse>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<RcaState>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<RootCauseCategory>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<RcaEventKind>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<ActionKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ActionPriority>().HaveConversion<string>().HaveMaxLength(4);
        configurationBuilder.Properties<ActionStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<AdvertiserTier>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<CaseStatus>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<CasePriority>().HaveConversion<string>().HaveMaxLength(4);
        configurationBuilder.Properties<CaseChannel>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<CaseMessageKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<CaseEventKind>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<CaseMailKind>().HaveConversion<string>().HaveMaxLength(16);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var autoDetect = GuardAppendOnly();
        try
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var autoDetect = GuardAppendOnly();
        try
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    /// <summary>
    /// Refuses changes to append-only rows. Detects changes once, for this check and the save that follows (each
    /// <c>Entries()</c> call would otherwise scan every tracked entity again); returns the setting to restore after.
    /// </summary>
    private bool GuardAppendOnly()
    {
        var autoDetect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.DetectChanges();
        ChangeTracker.AutoDetectChangesEnabled = false;
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                var refusal = entry.Entity switch
                {
                    AuditEntry => "The audit log is append-only: its rows cannot be changed or deleted.",
                    TimelineEvent => "An incident timeline is append-only: its entries cannot be changed or deleted.",
                    CaseEvent => "A case timeline is append-only: its entries cannot be changed or deleted.",
                    _ => null,
                };
                if (refusal is not null)
                {
                    ChangeTracker.AutoDetectChangesEnabled = autoDetect;
                    throw new InvalidOperationException(refusal);
                }
            }
        }
        return autoDetect;
    }
}

public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite has no instant type; stored as sortable integers, instants can be compared and ordered in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
        // SQLite keeps decimals as text, which cannot be summed or ordered in SQL; money amounts here fit a double.
        configurationBuilder.Properties<decimal>().HaveConversion<double>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // AUTOINCREMENT: a number is never handed out twice, even after the newest row is gone.
        modelBuilder.Entity<Incident>().Property(i => i.Number).HasAnnotation("Sqlite:Autoincrement", true);
        modelBuilder.Entity<SupportCase>().Property(c => c.Number).HasAnnotation("Sqlite:Autoincrement", true);
        // A disputed amount stays exact: ten-thousandths as an integer, which SQLite sums and orders exactly.
        modelBuilder.Entity<SupportCase>().Property(c => c.DisputedAmount)
            .HasConversion(new Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<decimal, long>(d => (long)(d * 10_000m), l => l / 10_000m));
    }
}

public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);
