using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Shared.Runbooks;

namespace Portal.Infrastructure.Data;

internal sealed class RunbookConfiguration : IEntityTypeConfiguration<Runbook>
{
    public void Configure(EntityTypeBuilder<Runbook> builder)
    {
        builder.Property(r => r.Slug).HasMaxLength(64);
        builder.HasIndex(r => r.Slug).IsUnique();
        builder.Property(r => r.Title).HasMaxLength(RunbookRules.MaxTitle);
        builder.Property(r => r.Body).HasMaxLength(RunbookRules.MaxBody);
        foreach (var list in new[] { nameof(Runbook.Services), nameof(Runbook.AlertClasses), nameof(Runbook.Labels), nameof(Runbook.Tags) })
        {
            builder.Property<List<string>>(list).HasConversion(JsonColumn.Converter<List<string>>(), JsonColumn.Comparer<List<string>>()).HasMaxLength(4000);
        }
        builder.HasOne<Shared.Team.Team>().WithMany().HasForeignKey(r => r.OwnerTeamId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(r => r.LastReviewedById).OnDelete(DeleteBehavior.SetNull);
        // A save names the revision it started from; the revision number is the concurrency token.
        builder.Property(r => r.Revision).IsConcurrencyToken();
    }
}

internal sealed class RunbookRevisionConfiguration : IEntityTypeConfiguration<RunbookRevision>
{
    public void Configure(EntityTypeBuilder<RunbookRevision> builder)
    {
        builder.Property(r => r.Title).HasMaxLength(RunbookRules.MaxTitle);
        builder.Property(r => r.Body).HasMaxLength(RunbookRules.MaxBody);
        builder.Property(r => r.Metadata).HasMaxLength(8000);
        builder.Property(r => r.AuthorName).HasMaxLength(120);
        builder.Property(r => r.Message).HasMaxLength(500);
        builder.HasIndex(r => new { r.RunbookId, r.Number }).IsUnique();
        builder.HasOne<Runbook>().WithMany().HasForeignKey(r => r.RunbookId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(r => r.AuthorId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class RunbookSlugConfiguration : IEntityTypeConfiguration<RunbookSlug>
{
    public void Configure(EntityTypeBuilder<RunbookSlug> builder)
    {
        builder.HasKey(s => s.Slug);
        builder.Property(s => s.Slug).HasMaxLength(64);
        builder.HasOne<Runbook>().WithMany().HasForeignKey(s => s.RunbookId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RunbookUsageConfiguration : IEntityTypeConfiguration<RunbookUsage>
{
    public void Configure(EntityTypeBuilder<RunbookUsage> builder)
    {
        builder.HasIndex(u => new { u.RunbookId, u.Kind });
        builder.HasOne<Runbook>().WithMany().HasForeignKey(u => u.RunbookId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Shared.Team.Person>().WithMany().HasForeignKey(u => u.PersonId).OnDelete(DeleteBehavior.SetNull);
    }
}
