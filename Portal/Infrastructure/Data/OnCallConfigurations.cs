using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Shared.OnCall;

namespace Portal.Infrastructure.Data;

internal sealed class ScheduleConfiguration : IEntityTypeConfiguration<Schedule>
{
    public void Configure(EntityTypeBuilder<Schedule> builder)
    {
        builder.Property(s => s.Name).HasMaxLength(ScheduleRules.MaxName);
        builder.HasIndex(s => s.Name).IsUnique();
        builder.Property(s => s.Description).HasMaxLength(2000);
        builder.HasOne<Shared.Team.Team>().WithMany().HasForeignKey(s => s.TeamId).OnDelete(DeleteBehavior.SetNull);
        // A schedule is read and written whole (layers, members, restrictions): one JSON document, one version.
        builder.Property(s => s.Layers).HasConversion(JsonColumn.Converter<List<ScheduleLayer>>(), JsonColumn.Comparer<List<ScheduleLayer>>());
        builder.Property(s => s.Version).IsConcurrencyToken();
    }
}

internal sealed class ScheduleOverrideConfiguration : IEntityTypeConfiguration<ScheduleOverride>
{
    public void Configure(EntityTypeBuilder<ScheduleOverride> builder)
    {
        builder.ToTable("Overrides");
        builder.Property(o => o.Reason).HasMaxLength(500);
        builder.HasIndex(o => new { o.ScheduleId, o.End });
        builder.HasIndex(o => new { o.PersonId, o.End });
        builder.HasOne<Schedule>().WithMany().HasForeignKey(o => o.ScheduleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(o => o.PersonId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(o => o.CreatedById).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class EscalationPolicyConfiguration : IEntityTypeConfiguration<EscalationPolicy>
{
    public void Configure(EntityTypeBuilder<EscalationPolicy> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(EscalationRules.MaxName);
        builder.HasIndex(p => p.Name).IsUnique();
        builder.Property(p => p.Description).HasMaxLength(2000);
        builder.HasOne<Shared.Team.Team>().WithMany().HasForeignKey(p => p.TeamId).OnDelete(DeleteBehavior.SetNull);
        // Levels and targets are read and written whole, like a schedule's layers.
        builder.Property(p => p.Levels).HasConversion(JsonColumn.Converter<List<EscalationLevel>>(), JsonColumn.Comparer<List<EscalationLevel>>());
        builder.Property(p => p.Version).IsConcurrencyToken();
    }
}

internal sealed class IncidentEscalationConfiguration : IEntityTypeConfiguration<IncidentEscalation>
{
    public void Configure(EntityTypeBuilder<IncidentEscalation> builder)
    {
        builder.ToTable("Escalations");
        builder.HasKey(e => e.IncidentNumber);
        builder.Property(e => e.IncidentNumber).ValueGeneratedNever();
        builder.HasOne(e => e.Incident).WithOne().HasForeignKey<IncidentEscalation>(e => e.IncidentNumber).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<EscalationPolicy>().WithMany().HasForeignKey(e => e.PolicyId).OnDelete(DeleteBehavior.Cascade);
        // The processor's scan: active escalations by due time.
        builder.HasIndex(e => new { e.State, e.NextAt });
        builder.Property(e => e.Version).IsConcurrencyToken();
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.Property(n => n.Title).HasMaxLength(300);
        builder.Property(n => n.Body).HasMaxLength(4000);
        builder.Property(n => n.Link).HasMaxLength(300);
        builder.HasIndex(n => new { n.PersonId, n.Id });
        builder.HasIndex(n => new { n.PersonId, n.Kind, n.CreatedAt });
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(n => n.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationChannelConfiguration : IEntityTypeConfiguration<NotificationChannel>
{
    public void Configure(EntityTypeBuilder<NotificationChannel> builder)
    {
        builder.ToTable("Channels");
        builder.Property(c => c.Name).HasMaxLength(120);
        builder.Property(c => c.Target).HasMaxLength(2000);
        builder.Property(c => c.Secret).HasMaxLength(1000);
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(c => c.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Shared.Team.Team>().WithMany().HasForeignKey(c => c.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> builder)
    {
        builder.Property(d => d.Title).HasMaxLength(300);
        builder.Property(d => d.Body).HasMaxLength(4000);
        builder.Property(d => d.Link).HasMaxLength(300);
        builder.Property(d => d.LastError).HasMaxLength(1000);
        builder.HasIndex(d => new { d.State, d.NextAttemptAt });
        builder.HasIndex(d => d.IncidentNumber);
        builder.HasOne<NotificationChannel>().WithMany().HasForeignKey(d => d.ChannelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(d => d.Notification).WithMany().HasForeignKey(d => d.NotificationId).OnDelete(DeleteBehavior.SetNull);
        builder.Property(d => d.Version).IsConcurrencyToken();
    }
}

internal sealed class SwapRequestConfiguration : IEntityTypeConfiguration<SwapRequest>
{
    public void Configure(EntityTypeBuilder<SwapRequest> builder)
    {
        builder.ToTable("Swaps");
        builder.Ignore(s => s.IsOpen);
        builder.Property(s => s.Reason).HasMaxLength(500);
        builder.HasIndex(s => new { s.CoverId, s.State });
        builder.HasIndex(s => new { s.RequesterId, s.State });
        builder.HasOne<Schedule>().WithMany().HasForeignKey(s => s.ScheduleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(s => s.RequesterId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(s => s.CoverId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(s => s.DecidedById).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<ScheduleOverride>().WithMany().HasForeignKey(s => s.OverrideId).OnDelete(DeleteBehavior.SetNull);
        builder.Property(s => s.Version).IsConcurrencyToken();
    }
}

internal sealed class HandoffNoteConfiguration : IEntityTypeConfiguration<HandoffNote>
{
    public void Configure(EntityTypeBuilder<HandoffNote> builder)
    {
        builder.Property(h => h.Body).HasMaxLength(20_000);
        builder.HasIndex(h => new { h.ScheduleId, h.ShiftEnd, h.AuthorId }).IsUnique();
        builder.HasIndex(h => new { h.IncomingId, h.ShiftEnd });
        builder.HasOne<Schedule>().WithMany().HasForeignKey(h => h.ScheduleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(h => h.AuthorId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(h => h.IncomingId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class CalendarFeedConfiguration : IEntityTypeConfiguration<CalendarFeed>
{
    public void Configure(EntityTypeBuilder<CalendarFeed> builder)
    {
        builder.Property(f => f.SecretHash).HasMaxLength(64);
        builder.HasIndex(f => f.SecretHash).IsUnique();
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(f => f.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Schedule>().WithMany().HasForeignKey(f => f.ScheduleId).OnDelete(DeleteBehavior.Cascade);
    }
}
