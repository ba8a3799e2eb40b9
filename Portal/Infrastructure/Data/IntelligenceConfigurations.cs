using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Shared.Intelligence;

namespace Portal.Infrastructure.Data;

internal sealed class EmbeddingConfiguration : IEntityTypeConfiguration<Embedding>
{
    public void Configure(EntityTypeBuilder<Embedding> builder)
    {
        builder.ToTable("Embeddings");
        builder.HasKey(e => new { e.Kind, e.RecordId });
        builder.Property(e => e.Kind).HasMaxLength(20);
        builder.Property(e => e.Model).HasMaxLength(80);
        builder.Property(e => e.TextHash).HasMaxLength(64);
        // Each node catches its index up by this stamp.
        builder.HasIndex(e => new { e.Kind, e.Model, e.UpdatedAt });
    }
}

internal sealed class TriageFeedbackConfiguration : IEntityTypeConfiguration<TriageFeedback>
{
    public void Configure(EntityTypeBuilder<TriageFeedback> builder)
    {
        builder.ToTable("TriageFeedback");
        builder.Property(t => t.Kind).HasMaxLength(20);
        builder.Property(t => t.Field).HasMaxLength(20);
        builder.Property(t => t.Suggested).HasMaxLength(80);
        builder.Property(t => t.Chosen).HasMaxLength(80);
        builder.Property(t => t.Outcome).HasMaxLength(16);
        builder.HasIndex(t => new { t.Kind, t.RecordId });
    }
}

internal sealed class EarlyWarningConfiguration : IEntityTypeConfiguration<EarlyWarning>
{
    public void Configure(EntityTypeBuilder<EarlyWarning> builder)
    {
        builder.ToTable("EarlyWarnings");
        builder.Property(w => w.Scope).HasMaxLength(16);
        builder.Property(w => w.Subject).HasMaxLength(80);
        builder.Property(w => w.Signal).HasMaxLength(16);
        builder.Property(w => w.Detector).HasMaxLength(16);
        builder.Property(w => w.Text).HasMaxLength(400);
        builder.Property(w => w.Version).IsConcurrencyToken();
        builder.HasIndex(w => new { w.Scope, w.Subject, w.Signal, w.Detector, w.EndedAt });
        builder.HasIndex(w => w.StartedAt);
    }
}

internal sealed class DraftRecordConfiguration : IEntityTypeConfiguration<DraftRecord>
{
    public void Configure(EntityTypeBuilder<DraftRecord> builder)
    {
        builder.ToTable("Drafts");
        builder.Property(d => d.Kind).HasMaxLength(16);
        builder.Property(d => d.Subject).HasMaxLength(40);
        builder.Property(d => d.Source).HasMaxLength(16);
        builder.Property(d => d.Model).HasMaxLength(80);
        builder.Property(d => d.Text).HasMaxLength(DraftRules.MaxText);
        builder.Property(d => d.Citations).HasMaxLength(400);
        builder.Property(d => d.Outcome).HasMaxLength(16);
        builder.HasIndex(d => new { d.Kind, d.CreatedAt });
    }
}
