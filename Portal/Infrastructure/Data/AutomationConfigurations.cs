using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Shared.Automation;

namespace Portal.Infrastructure.Data;

internal sealed class AutomationActionConfiguration : IEntityTypeConfiguration<AutomationAction>
{
    public void Configure(EntityTypeBuilder<AutomationAction> builder)
    {
        builder.ToTable("AutomationActions");
        builder.Property(a => a.Slug).HasMaxLength(60);
        builder.Property(a => a.Name).HasMaxLength(120);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.HasIndex(a => a.Slug).IsUnique();
    }
}

internal sealed class ActionVersionConfiguration : IEntityTypeConfiguration<ActionVersion>
{
    public void Configure(EntityTypeBuilder<ActionVersion> builder)
    {
        builder.ToTable("ActionVersions");
        builder.Property(v => v.Definition).HasConversion(JsonColumn.Converter<ActionDefinition>(), JsonColumn.Comparer<ActionDefinition>());
        builder.Property(v => v.CreatedBy).HasMaxLength(120);
        builder.Property(v => v.PromotedBy).HasMaxLength(120);
        builder.HasIndex(v => new { v.ActionId, v.Number }).IsUnique();
        builder.HasOne<AutomationAction>().WithMany().HasForeignKey(v => v.ActionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ActionRunConfiguration : IEntityTypeConfiguration<ActionRun>
{
    public void Configure(EntityTypeBuilder<ActionRun> builder)
    {
        builder.ToTable("ActionRuns");
        builder.Property(r => r.ActionSlug).HasMaxLength(60);
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Trigger).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.RefusedBy).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Verification).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.TargetService).HasMaxLength(80);
        builder.Property(r => r.RequestedBy).HasMaxLength(120);
        builder.Property(r => r.ApprovedBy).HasMaxLength(120);
        builder.Property(r => r.Runner).HasMaxLength(80);
        builder.Property(r => r.IdempotencyKey).HasMaxLength(40);
        builder.Property(r => r.Reason).HasMaxLength(1_000);
        builder.Property(r => r.Preview).HasMaxLength(8_000);
        builder.Property(r => r.Output).HasMaxLength(RunOutput.MaxChars + 40);
        builder.Property(r => r.Inputs).HasConversion(JsonColumn.Converter<Dictionary<string, string>>(), JsonColumn.Comparer<Dictionary<string, string>>());
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasIndex(r => r.IdempotencyKey).IsUnique();
        builder.HasIndex(r => new { r.State, r.RequestedAt });
        builder.HasIndex(r => new { r.ActionId, r.RequestedAt });
        builder.HasIndex(r => r.IncidentNumber);
        // One self-healing run per firing of an alert and rule, however many nodes see it.
        builder.HasIndex(r => new { r.AlertId, r.HealingRuleId }).IsUnique();
        builder.HasOne<AutomationAction>().WithMany().HasForeignKey(r => r.ActionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class HealingRuleConfiguration : IEntityTypeConfiguration<HealingRule>
{
    public void Configure(EntityTypeBuilder<HealingRule> builder)
    {
        builder.ToTable("HealingRules");
        builder.Property(r => r.Name).HasMaxLength(120);
        builder.Property(r => r.ServiceSlug).HasMaxLength(80);
        builder.Property(r => r.AlertClass).HasMaxLength(120);
        builder.Property(r => r.Inputs).HasConversion(JsonColumn.Converter<Dictionary<string, string>>(), JsonColumn.Comparer<Dictionary<string, string>>());
        builder.HasOne<AutomationAction>().WithMany().HasForeignKey(r => r.ActionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AutomationSettingsConfiguration : IEntityTypeConfiguration<AutomationSettings>
{
    public void Configure(EntityTypeBuilder<AutomationSettings> builder)
    {
        builder.ToTable("AutomationSettings");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Freezes).HasConversion(JsonColumn.Converter<List<FreezeWindow>>(), JsonColumn.Comparer<List<FreezeWindow>>());
        builder.Property(s => s.SigningSecret).HasMaxLength(100);
        builder.Property(s => s.Version).IsConcurrencyToken();
    }
}

internal sealed class RunnerTokenConfiguration : IEntityTypeConfiguration<RunnerToken>
{
    public void Configure(EntityTypeBuilder<RunnerToken> builder)
    {
        builder.ToTable("RunnerTokens");
        builder.Property(t => t.Name).HasMaxLength(80);
        builder.Property(t => t.TokenHash).HasMaxLength(64);
        builder.Property(t => t.ProtectedSecret).HasMaxLength(1_000);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.Name).IsUnique();
    }
}

internal sealed class WorkflowRuleConfiguration : IEntityTypeConfiguration<WorkflowRule>
{
    public void Configure(EntityTypeBuilder<WorkflowRule> builder)
    {
        builder.ToTable("WorkflowRules");
        builder.Property(r => r.Name).HasMaxLength(120);
        builder.Property(r => r.Event).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Condition).HasMaxLength(2_000);
        builder.Property(r => r.Steps).HasConversion(JsonColumn.Converter<List<RuleStep>>(), JsonColumn.Comparer<List<RuleStep>>());
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasIndex(r => r.Name).IsUnique();
    }
}

internal sealed class RuleFiringConfiguration : IEntityTypeConfiguration<RuleFiring>
{
    public void Configure(EntityTypeBuilder<RuleFiring> builder)
    {
        builder.ToTable("RuleFirings");
        builder.Property(f => f.Outcome).HasMaxLength(2_000);
        builder.HasIndex(f => new { f.RuleId, f.TriggerEventId }).IsUnique();
        builder.HasIndex(f => new { f.IncidentNumber, f.At });
    }
}
