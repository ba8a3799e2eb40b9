using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Incidents;
using Portal.Shared.Incidents;

namespace Portal.Infrastructure.Data;

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> builder)
    {
        builder.HasKey(i => i.Number);
        builder.Property(i => i.Number).ValueGeneratedOnAdd();
        builder.Ignore(i => i.Key);
        builder.Property(i => i.Title).HasMaxLength(IncidentWorkflow.MaxTitle);
        builder.Property(i => i.Description).HasMaxLength(IncidentWorkflow.MaxDescription);
        builder.Property(i => i.ResolutionNote).HasMaxLength(IncidentWorkflow.MaxText);
        builder.Property(i => i.Version).IsConcurrencyToken();
        builder.HasOne(i => i.Service).WithMany().HasForeignKey(i => i.ServiceId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(i => i.Team).WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(i => i.Assignee).WithMany().HasForeignKey(i => i.AssigneeId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(i => i.Commander).WithMany().HasForeignKey(i => i.CommanderId).OnDelete(DeleteBehavior.SetNull);
        // The queue's common filters, each ending in Number for keyset paging. "Open" is Status <> 'Resolved', which no
        // composite index can seek, and open incidents are a small share of all: partial indexes hold just them
        // (same SQL on SQLite and PostgreSQL; the queries use the same literal, so the planners pick them).
        const string openOnly = "\"Status\" <> 'Resolved'";
        builder.HasIndex(i => i.Number, "IX_Incidents_Open_Number").HasFilter(openOnly);
        builder.HasIndex(i => new { i.Region, i.Number }, "IX_Incidents_Open_Region").HasFilter(openOnly);
        builder.HasIndex(i => new { i.Severity, i.Number }, "IX_Incidents_Open_Severity").HasFilter(openOnly);
        builder.HasIndex(i => new { i.AssigneeId, i.Number }, "IX_Incidents_Open_Assignee").HasFilter(openOnly);
        builder.HasIndex(i => new { i.TeamId, i.Number }, "IX_Incidents_Open_Team").HasFilter(openOnly);
        builder.HasIndex(i => new { i.Status, i.Number });
        builder.HasIndex(i => new { i.Region, i.Status, i.Number });
        builder.HasIndex(i => new { i.AssigneeId, i.Status, i.Number });
        builder.HasIndex(i => new { i.TeamId, i.Status, i.Number });
        builder.HasIndex(i => new { i.Severity, i.Number });
        // Metrics read periods of incidents by trigger time and aggregate these columns: a covering index lets them
        // read the index alone, never the rows (and never the rows outside the period).
        builder.HasIndex(i => new
        {
            i.TriggeredAt, i.Severity, i.Region, i.TeamId, i.ServiceId, i.AcknowledgedAt, i.MitigatedAt, i.ResolvedAt,
            i.AcknowledgeBreached, i.MitigateBreached, i.AdvertisersAffected, i.RevenueAtRiskUsd,
        }, "IX_Incidents_Metrics");
    }
}

internal sealed class TimelineEventConfiguration : IEntityTypeConfiguration<TimelineEvent>
{
    public void Configure(EntityTypeBuilder<TimelineEvent> builder)
    {
        builder.ToTable("TimelineEvents");
        builder.Property(t => t.ActorName).HasMaxLength(120);
        builder.Property(t => t.Text).HasMaxLength(IncidentWorkflow.MaxText);
        builder.Property(t => t.From).HasMaxLength(120);
        builder.Property(t => t.To).HasMaxLength(120);
        builder.HasIndex(t => new { t.IncidentNumber, t.Id });
        builder.HasOne(t => t.Incident).WithMany().HasForeignKey(t => t.IncidentNumber).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SlaPolicyConfiguration : IEntityTypeConfiguration<SlaPolicy>
{
    public void Configure(EntityTypeBuilder<SlaPolicy> builder)
    {
        builder.HasKey(p => p.Severity);
        builder.Property(p => p.Severity).ValueGeneratedNever();
        builder.Ignore(p => p.Targets);
        builder.HasData(SlaTargets.Defaults.Select(d => new SlaPolicy
        {
            Severity = d.Severity,
            AcknowledgeMinutes = d.Acknowledge is { } a ? (int)a.TotalMinutes : null,
            MitigateMinutes = d.Mitigate is { } m ? (int)m.TotalMinutes : null,
        }));
    }
}

internal sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public void Configure(EntityTypeBuilder<SavedView> builder)
    {
        builder.ToTable("SavedViews");
        builder.Property(v => v.Name).HasMaxLength(SavedViewService.MaxName);
        builder.Property(v => v.Url).HasMaxLength(SavedViewService.MaxUrl);
        builder.Property(v => v.Queue).HasMaxLength(20).HasDefaultValue(SavedViewQueues.Incidents);
        builder.HasIndex(v => new { v.PersonId, v.Queue, v.Name }).IsUnique();
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(v => v.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IncidentMergeConfiguration : IEntityTypeConfiguration<IncidentMerge>
{
    public void Configure(EntityTypeBuilder<IncidentMerge> builder)
    {
        builder.Property(m => m.MovedAlertIds).HasConversion(JsonColumn.Converter<List<long>>(), JsonColumn.Comparer<List<long>>());
        builder.HasIndex(m => new { m.MergedNumber, m.Id });
        builder.HasIndex(m => new { m.SurvivorNumber, m.Id });
        builder.HasOne<Incident>().WithMany().HasForeignKey(m => m.MergedNumber).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Incident>().WithMany().HasForeignKey(m => m.SurvivorNumber).OnDelete(DeleteBehavior.Cascade);
    }
}
