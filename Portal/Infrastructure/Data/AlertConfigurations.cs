using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Shared.Alerts;

namespace Portal.Infrastructure.Data;

internal sealed class IntegrationConfiguration : IEntityTypeConfiguration<Integration>
{
    public const int MaxName = 100;

    public void Configure(EntityTypeBuilder<Integration> builder)
    {
        builder.Property(i => i.Name).HasMaxLength(MaxName);
        builder.HasIndex(i => i.Name).IsUnique();
        builder.Property(i => i.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.KeyHash).HasMaxLength(64);
        builder.Property(i => i.PreviousKeyHash).HasMaxLength(64);
        builder.Property(i => i.KeyHint).HasMaxLength(8);
        builder.HasIndex(i => i.KeyHash).IsUnique();
        builder.HasIndex(i => i.PreviousKeyHash);
        builder.HasOne<Shared.Admin.BusinessService>().WithMany().HasForeignKey(i => i.ServiceId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Shared.Team.Team>().WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.SetNull);
        builder.Property(i => i.SeverityMap).HasConversion(JsonColumn.Converter<Dictionary<string, Severity>>(), JsonColumn.Comparer<Dictionary<string, Severity>>());
        builder.Property(i => i.LabelMap).HasConversion(JsonColumn.Converter<Dictionary<string, string>>(), JsonColumn.Comparer<Dictionary<string, string>>());
    }
}

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.Property(a => a.DedupKey).HasMaxLength(EventsV2.MaxDedupKey);
        builder.Property(a => a.OpenKey).HasMaxLength(EventsV2.MaxDedupKey);
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Summary).HasMaxLength(EventsV2.MaxSummary);
        builder.Property(a => a.Source).HasMaxLength(1024);
        builder.Property(a => a.SeverityWord).HasMaxLength(64);
        builder.Property(a => a.GroupKey).HasMaxLength(1024);
        builder.Property(a => a.Labels).HasConversion(JsonColumn.Converter<Dictionary<string, string>>(), JsonColumn.Comparer<Dictionary<string, string>>());
        // One open alert per key and integration, whichever request or node gets there first (NULLs, resolved alerts, repeat).
        builder.HasIndex(a => new { a.IntegrationId, a.OpenKey }).IsUnique();
        builder.HasIndex(a => new { a.IntegrationId, a.DedupKey, a.Id });
        builder.HasIndex(a => new { a.IncidentNumber, a.Id });
        builder.HasIndex(a => new { a.IntegrationId, a.GroupKey });
        builder.HasOne<Integration>().WithMany().HasForeignKey(a => a.IntegrationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(a => a.Incident).WithMany().HasForeignKey(a => a.IncidentNumber).OnDelete(DeleteBehavior.Cascade);
    }
}
