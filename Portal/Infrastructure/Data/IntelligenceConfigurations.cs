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
