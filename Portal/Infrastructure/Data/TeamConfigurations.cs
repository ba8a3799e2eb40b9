using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Shared.Team;

namespace Portal.Infrastructure.Data;

internal sealed class OneOnOneSeriesConfiguration : IEntityTypeConfiguration<OneOnOneSeries>
{
    public void Configure(EntityTypeBuilder<OneOnOneSeries> builder)
    {
        builder.HasIndex(s => new { s.ReportId, s.ManagerId });
        builder.HasOne<Person>().WithMany().HasForeignKey(s => s.ManagerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Person>().WithMany().HasForeignKey(s => s.ReportId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OneOnOneMeetingConfiguration : IEntityTypeConfiguration<OneOnOneMeeting>
{
    public void Configure(EntityTypeBuilder<OneOnOneMeeting> builder)
    {
        builder.HasIndex(m => new { m.SeriesId, m.ScheduledAt });
        builder.Property(m => m.SharedNotes).HasMaxLength(CoachingLimits.Notes);
        builder.Property(m => m.Version).IsConcurrencyToken();
        builder.HasOne<OneOnOneSeries>().WithMany().HasForeignKey(m => m.SeriesId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OneOnOneItemConfiguration : IEntityTypeConfiguration<OneOnOneItem>
{
    public void Configure(EntityTypeBuilder<OneOnOneItem> builder)
    {
        builder.Property(i => i.Kind).HasConversion<string>().HasMaxLength(8);
        builder.Property(i => i.Text).HasMaxLength(CoachingLimits.Line);
        builder.HasIndex(i => new { i.SeriesId, i.Kind });
        builder.HasOne<OneOnOneSeries>().WithMany().HasForeignKey(i => i.SeriesId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OneOnOnePrivateNoteConfiguration : IEntityTypeConfiguration<OneOnOnePrivateNote>
{
    public void Configure(EntityTypeBuilder<OneOnOnePrivateNote> builder)
    {
        builder.HasIndex(n => new { n.MeetingId, n.AuthorId }).IsUnique();
        builder.Property(n => n.Text).HasMaxLength(CoachingLimits.Notes);
        builder.HasOne<OneOnOneMeeting>().WithMany().HasForeignKey(n => n.MeetingId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DevelopmentPlanConfiguration : IEntityTypeConfiguration<DevelopmentPlan>
{
    public void Configure(EntityTypeBuilder<DevelopmentPlan> builder)
    {
        builder.Property(p => p.Title).HasMaxLength(200);
        builder.HasIndex(p => p.PersonId);
        builder.HasOne<Person>().WithMany().HasForeignKey(p => p.PersonId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PlanGoalConfiguration : IEntityTypeConfiguration<PlanGoal>
{
    public void Configure(EntityTypeBuilder<PlanGoal> builder)
    {
        builder.Property(g => g.Competency).HasConversion<string>().HasMaxLength(24);
        builder.Property(g => g.Title).HasMaxLength(200);
        builder.Property(g => g.Description).HasMaxLength(CoachingLimits.Line);
        // Milestones and evidence are read and written with their goal: JSON documents.
        builder.Property(g => g.Milestones).HasConversion(JsonColumn.Converter<List<PlanMilestone>>(), JsonColumn.Comparer<List<PlanMilestone>>());
        builder.Property(g => g.Evidence).HasConversion(JsonColumn.Converter<List<PlanEvidence>>(), JsonColumn.Comparer<List<PlanEvidence>>());
        builder.HasOne<DevelopmentPlan>().WithMany().HasForeignKey(g => g.PlanId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PlanUpdateConfiguration : IEntityTypeConfiguration<PlanUpdate>
{
    public void Configure(EntityTypeBuilder<PlanUpdate> builder)
    {
        builder.Property(u => u.Text).HasMaxLength(CoachingLimits.Line);
        builder.HasIndex(u => u.GoalId);
        builder.HasOne<PlanGoal>().WithMany().HasForeignKey(u => u.GoalId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReviewCycleConfiguration : IEntityTypeConfiguration<ReviewCycle>
{
    public void Configure(EntityTypeBuilder<ReviewCycle> builder)
    {
        builder.Property(c => c.Name).HasMaxLength(120);
    }
}

internal sealed class ReviewConfiguration : IEntityTypeConfiguration<Review>
{
    public void Configure(EntityTypeBuilder<Review> builder)
    {
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.SelfRatings).HasConversion(JsonColumn.Converter<Dictionary<Competency, int>>(), JsonColumn.Comparer<Dictionary<Competency, int>>());
        builder.Property(r => r.ManagerRatings).HasConversion(JsonColumn.Converter<Dictionary<Competency, int>>(), JsonColumn.Comparer<Dictionary<Competency, int>>());
        builder.Property(r => r.SelfText).HasMaxLength(ReviewRules.MaxText);
        builder.Property(r => r.ManagerText).HasMaxLength(ReviewRules.MaxText);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasIndex(r => new { r.CycleId, r.PersonId }).IsUnique();
        builder.HasIndex(r => r.PersonId);
        builder.HasOne<ReviewCycle>().WithMany().HasForeignKey(r => r.CycleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PeerFeedbackConfiguration : IEntityTypeConfiguration<PeerFeedback>
{
    public void Configure(EntityTypeBuilder<PeerFeedback> builder)
    {
        builder.Property(f => f.Text).HasMaxLength(ReviewRules.MaxText);
        builder.HasIndex(f => new { f.ReviewId, f.PeerId }).IsUnique();
        builder.HasIndex(f => f.PeerId);
        builder.HasOne<Review>().WithMany().HasForeignKey(f => f.ReviewId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OnboardingTemplateConfiguration : IEntityTypeConfiguration<OnboardingTemplate>
{
    public void Configure(EntityTypeBuilder<OnboardingTemplate> builder)
    {
        builder.Property(t => t.Name).HasMaxLength(120);
        builder.Property(t => t.Steps).HasConversion(JsonColumn.Converter<List<OnboardingStep>>(), JsonColumn.Comparer<List<OnboardingStep>>());
    }
}

internal sealed class OnboardingTaskConfiguration : IEntityTypeConfiguration<OnboardingTask>
{
    public void Configure(EntityTypeBuilder<OnboardingTask> builder)
    {
        builder.Property(t => t.Category).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.Title).HasMaxLength(200);
        builder.HasIndex(t => t.PersonId);
        builder.HasOne<Person>().WithMany().HasForeignKey(t => t.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>Lengths of coaching text.</summary>
internal static class CoachingLimits
{
    public const int Notes = 20_000;
    public const int Line = 2_000;
}
