using Microsoft.AspNetCore.Components;
using Portal.Components.Common;
using Portal.Shared.Team;

namespace Portal.Features.Team;

public partial class PlansPanel
{
    [Parameter, EditorRequired] public string Handle { get; set; } = "";

    private sealed class GoalForm
    {
        public Competency Competency { get; set; }
        public string? Title { get; set; }
        public string? Milestones { get; set; }
    }

    private IReadOnlyList<PlanView>? _plans;
    private System.Security.Claims.ClaimsPrincipal _user = new();
    private string? _newPlan;
    private GoalForm _goal = new();
    private readonly Dictionary<int, EvidenceKind> _evidenceKind = [];
    private readonly Dictionary<int, string?> _evidence = [];
    private readonly Dictionary<int, string?> _update = [];
    private readonly Dictionary<int, int> _progress = [];

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        await Snackbar.TryAsync(async () => Show(await Plans.ListAsync(_user, Handle)));
    }

    private void Show(IReadOnlyList<PlanView> plans)
    {
        _plans = plans;
        foreach (var goal in plans.SelectMany(p => p.Goals))
        {
            _evidenceKind.TryAdd(goal.Id, EvidenceKind.Incident);
            _evidence.TryAdd(goal.Id, null);
            _update.TryAdd(goal.Id, null);
            _progress[goal.Id] = goal.Progress;
        }
    }

    private void Replace(PlanView plan) => Show([.. _plans!.Select(p => p.Id == plan.Id ? plan : p)]);

    private static string Hint(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Incident => "INC-123",
        EvidenceKind.Rca => "RCA number",
        EvidenceKind.Runbook => "runbook slug",
        _ => "https://…",
    };

    private Task CreateAsync() => Snackbar.TryAsync(async () =>
    {
        await Plans.CreateAsync(_user, Handle, new PlanInput(_newPlan));
        _newPlan = null;
        Show(await Plans.ListAsync(_user, Handle));
    }, "Plan created.");

    private Task CloseAsync(PlanView plan) => Snackbar.TryAsync(async () => Replace(await Plans.SetClosedAsync(_user, plan.Id, !plan.Closed)));

    private Task GoalAsync(int plan) => Snackbar.TryAsync(async () =>
    {
        Replace(await Plans.AddGoalAsync(_user, plan, new GoalInput(_goal.Competency, _goal.Title, null, null, _goal.Milestones?.Split('\n'))));
        _goal = new GoalForm();
    });

    private Task MilestoneAsync(int goal, int index, bool done) => Snackbar.TryAsync(async () => Replace(await Plans.SetMilestoneAsync(_user, goal, index, done)));

    private Task EvidenceAsync(int goal) => Snackbar.TryAsync(async () =>
    {
        Replace(await Plans.AddEvidenceAsync(_user, goal, new EvidenceInput(_evidenceKind[goal], _evidence[goal], null)));
        _evidence[goal] = null;
    });

    private Task UpdateAsync(int goal) => Snackbar.TryAsync(async () =>
    {
        Replace(await Plans.AddUpdateAsync(_user, goal, new UpdateInput(_update[goal], _progress[goal])));
        _update[goal] = null;
    });
}
