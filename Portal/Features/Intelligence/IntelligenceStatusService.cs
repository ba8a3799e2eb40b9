using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Intelligence;

namespace Portal.Features.Intelligence;

/// <summary>One triage field's live accuracy: how many suggestions were accepted and overridden, and the accepted share.</summary>
public sealed record TriageAccuracy(string Kind, string Field, int Accepted, int Overridden, double? Accuracy);

/// <summary>The grouping labels: merges made (from a suggestion or by hand) and those undone as not the same problem.</summary>
public sealed record GroupingLabels(int Merged, int FromSuggestions, int Unmerged);

/// <summary>What became of the drafts of one kind.</summary>
public sealed record DraftOutcomes(string Kind, int Written, int Accepted, int Edited, int Rejected);

/// <summary>The intelligence as an operator checks it: the model and its state on this node, the index, the backlog, the accuracy.</summary>
public sealed record IntelligenceStatus(bool Enabled, string Model, string State, string? Problem, int Dimensions, int Embedded, int IndexedOnThisNode, int Backlog,
    double Threshold, IReadOnlyList<TriageAccuracy> Triage, IReadOnlyList<DraftOutcomes> Drafts, int WarningsOpen, int WarningsThisWeek, bool ChatModel,
    GroupingLabels? Grouping = null);

/// <summary>Reads <see cref="IntelligenceStatus"/> for the admin page and <c>GET /api/intelligence</c>.</summary>
public sealed class IntelligenceStatusService(IDbContextFactory<PortalDbContext> factory, IEmbedder embedder, IncidentIndex index, CaseIndex caseIndex, IntelligenceOptions options,
    TimeProvider clock, ChatModel chat)
{
    private static readonly (string Kind, string Field)[] TriageFields =
        [("incident", "service"), ("incident", "team"), ("incident", "severity"), ("case", "category"), ("case", "priority"), ("case", "team")];

    public async Task<IntelligenceStatus> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var model = embedder.Model;
        if (embedder.State == EmbedderState.Ready)
        {
            await index.CatchUpAsync(db, cancellationToken);
            await caseIndex.CatchUpAsync(db, cancellationToken);
        }
        var embedded = await db.Embeddings.CountAsync(e => e.Model == model, cancellationToken);
        var backlog = options.Enabled
            ? await EmbeddingProcessor.Pending(db, model).CountAsync(cancellationToken) + await EmbeddingProcessor.PendingCases(db, model).CountAsync(cancellationToken)
            : 0;
        var feedback = await db.TriageFeedback.AsNoTracking().GroupBy(f => new { f.Kind, f.Field, f.Outcome })
            .Select(g => new { g.Key.Kind, g.Key.Field, g.Key.Outcome, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var triage = TriageFields.Select(x =>
        {
            var accepted = feedback.Where(f => f.Kind == x.Kind && f.Field == x.Field && f.Outcome == TriageFeedback.Accepted).Sum(f => f.Count);
            var overridden = feedback.Where(f => f.Kind == x.Kind && f.Field == x.Field && f.Outcome == TriageFeedback.Overridden).Sum(f => f.Count);
            return new TriageAccuracy(x.Kind, x.Field, accepted, overridden, TriageRules.Accuracy(accepted, overridden));
        }).ToList();
        var drafts = await db.Drafts.AsNoTracking().GroupBy(d => new { d.Kind, d.Outcome }).Select(g => new { g.Key.Kind, g.Key.Outcome, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var outcomes = DraftRules.Kinds.Select(kind => new DraftOutcomes(kind, drafts.Where(d => d.Kind == kind).Sum(d => d.Count),
            drafts.Where(d => d.Kind == kind && d.Outcome == DraftRecord.Accepted).Sum(d => d.Count),
            drafts.Where(d => d.Kind == kind && d.Outcome == DraftRecord.Edited).Sum(d => d.Count),
            drafts.Where(d => d.Kind == kind && d.Outcome == DraftRecord.Rejected).Sum(d => d.Count))).ToList();
        var week = clock.GetUtcNow().AddDays(-7);
        var open = await db.EarlyWarnings.CountAsync(w => w.EndedAt == null, cancellationToken);
        var thisWeek = await db.EarlyWarnings.CountAsync(w => w.StartedAt >= week, cancellationToken);
        var grouping = new GroupingLabels(await db.IncidentMerges.CountAsync(cancellationToken), await db.IncidentMerges.CountAsync(m => m.SuggestedScore != null, cancellationToken),
            await db.IncidentMerges.CountAsync(m => m.UnmergedAt != null, cancellationToken));
        return new IntelligenceStatus(options.Enabled, model, embedder.State.ToString(), embedder.Problem, embedder.Dimensions, embedded, index.Count + caseIndex.Count, backlog,
            options.SimilarThreshold, triage, outcomes, open, thisWeek, chat.Configured, grouping);
    }
}
