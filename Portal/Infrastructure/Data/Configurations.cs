using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Shared.Admin;
using Portal.Shared.Team;

namespace Portal.Infrastructure.Data;

internal sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> builder)
    {
        builder.Property(t => t.Slug).HasMaxLength(64);
        builder.Property(t => t.Name).HasMaxLength(120);
        builder.HasIndex(t => t.Slug).IsUnique();
    }
}

internal sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> builder)
    {
        builder.Property(p => p.Handle).HasMaxLength(64);
        builder.Property(p => p.Name).HasMaxLength(120);
        builder.Property(p => p.Email).HasMaxLength(254);
        builder.Property(p => p.TimeZone).HasMaxLength(64);
        builder.Property(p => p.DisplayTimeZone).HasMaxLength(64);
        builder.Property(p => p.Level).HasMaxLength(16);
        builder.Property(p => p.ExternalId).HasMaxLength(64);
        builder.HasIndex(p => p.Handle).IsUnique();
        builder.HasIndex(p => p.Email).IsUnique();
        builder.HasIndex(p => p.ExternalId).IsUnique();
        builder.HasIndex(p => new { p.TeamId, p.Name });
        builder.HasOne(p => p.Team).WithMany().HasForeignKey(p => p.TeamId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(p => p.Manager).WithMany().HasForeignKey(p => p.ManagerId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class BusinessServiceConfiguration : IEntityTypeConfiguration<BusinessService>
{
    public void Configure(EntityTypeBuilder<BusinessService> builder)
    {
        builder.ToTable("Services");
        builder.Property(s => s.Slug).HasMaxLength(64);
        builder.Property(s => s.Name).HasMaxLength(120);
        builder.Property(s => s.Description).HasMaxLength(1000);
        builder.HasIndex(s => s.Slug).IsUnique();
        builder.HasOne(s => s.OwningTeam).WithMany().HasForeignKey(s => s.OwningTeamId).OnDelete(DeleteBehavior.SetNull);
        // No foreign key: on SQLite adding one rebuilds the table. Deleting a policy clears it from its services itself.
        builder.HasIndex(s => s.EscalationPolicyId);
    }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.Property(t => t.Hash).HasMaxLength(64);
        builder.Property(t => t.Prefix).HasMaxLength(16);
        builder.HasIndex(t => t.Hash).IsUnique();
        builder.HasIndex(t => t.PersonId);
        builder.HasOne(t => t.Person).WithMany().HasForeignKey(t => t.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.Property(a => a.Actor).HasMaxLength(64);
        builder.Property(a => a.Action).HasMaxLength(64);
        builder.Property(a => a.Target).HasMaxLength(200);
        builder.Property(a => a.Detail).HasMaxLength(2000);
        builder.Property(a => a.Address).HasMaxLength(64);
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => new { a.Action, a.At });
        builder.HasIndex(a => new { a.Actor, a.At });
    }
}
