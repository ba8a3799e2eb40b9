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
