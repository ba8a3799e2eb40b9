using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Shared.Rca;

namespace Portal.Infrastructure.Data;

internal sealed class RcaDocumentConfiguration : IEntityTypeConfiguration<RcaDocument>
{
    public void Configure(EntityTypeBuilder<RcaDocument> builder)
    {
        builder.ToTable("Rcas");
        builder.Property(r => r.Title).HasMaxLength(200);
        foreach (var text in new[] { nameof(RcaDocument.Summary), nameof(RcaDocument.ContributingFactors), nameof(RcaDocument.WentWell), nameof(RcaDocument.Lessons) })
        {
            builder.Property<string?>(text).HasMaxLength(RcaRules.MaxText);
        }
        // Sections that are lists and trees are read and written whole: JSON documents.
        builder.Property(r => r.Regions).HasConversion(JsonColumn.Converter<List<string>>(), JsonColumn.Comparer<List<string>>());
        builder.Property(r => r.Reviewers).HasConversion(JsonColumn.Converter<List<int>>(), JsonColumn.Comparer<List<int>>());
        builder.Property(r => r.Timeline).HasConversion(JsonColumn.Converter<List<RcaTimelineEntry>>(), JsonColumn.Comparer<List<RcaTimelineEntry>>());
        builder.Property(r => r.Whys).HasConversion(JsonColumn.Converter<List<WhyNode>>(), JsonColumn.Comparer<List<WhyNode>>());
        builder.HasIndex(r => new { r.State, r.DueAt });
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(r => r.AuthorId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(r => r.Version).IsConcurrencyToken();
    }
}

internal sealed class RcaIncidentConfiguration : IEntityTypeConfiguration<RcaIncident>
{
    public void Configure(EntityTypeBuilder<RcaIncident> builder)
    {
        builder.HasKey(r => new { r.RcaId, r.IncidentNumber });
        builder.HasIndex(r => r.IncidentNumber);
        builder.HasOne<RcaDocument>().WithMany().HasForeignKey(r => r.RcaId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Shared.Incidents.Incident>().WithMany().HasForeignKey(r => r.IncidentNumber).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RcaEventConfiguration : IEntityTypeConfiguration<RcaEvent>
{
    public void Configure(EntityTypeBuilder<RcaEvent> builder)
    {
        builder.Property(e => e.Section).HasMaxLength(64);
        builder.Property(e => e.AuthorName).HasMaxLength(120);
        builder.Property(e => e.Text).HasMaxLength(RcaRules.MaxText);
        builder.Property(e => e.Snapshot).HasMaxLength(400_000);
        builder.HasIndex(e => new { e.RcaId, e.Id });
        builder.HasOne<RcaDocument>().WithMany().HasForeignKey(e => e.RcaId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ActionItemConfiguration : IEntityTypeConfiguration<ActionItem>
{
    public void Configure(EntityTypeBuilder<ActionItem> builder)
    {
        builder.Property(a => a.Title).HasMaxLength(300);
        builder.Property(a => a.TrackerUrl).HasMaxLength(1000);
        builder.Property(a => a.VerificationNote).HasMaxLength(4000);
        builder.HasIndex(a => new { a.Status, a.DueDate });
        builder.HasIndex(a => new { a.OwnerId, a.Status });
        builder.HasOne<RcaDocument>().WithMany().HasForeignKey(a => a.RcaId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(a => a.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(a => a.Version).IsConcurrencyToken();
    }
}

internal sealed class RecurrenceFamilyConfiguration : IEntityTypeConfiguration<RecurrenceFamily>
{
    public void Configure(EntityTypeBuilder<RecurrenceFamily> builder)
    {
        builder.ToTable("Families");
        builder.Property(f => f.Key).HasMaxLength(600);
        builder.HasIndex(f => f.Key).IsUnique();
        builder.Property(f => f.Title).HasMaxLength(200);
    }
}

internal sealed class FamilyMemberConfiguration : IEntityTypeConfiguration<FamilyMember>
{
    public void Configure(EntityTypeBuilder<FamilyMember> builder)
    {
        builder.HasKey(m => m.IncidentNumber);
        builder.Property(m => m.IncidentNumber).ValueGeneratedNever();
        builder.Property(m => m.Reason).HasMaxLength(64);
        builder.HasIndex(m => m.FamilyId);
        builder.HasOne<RecurrenceFamily>().WithMany().HasForeignKey(m => m.FamilyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Shared.Incidents.Incident>().WithMany().HasForeignKey(m => m.IncidentNumber).OnDelete(DeleteBehavior.Cascade);
    }
}
