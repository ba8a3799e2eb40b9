using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;
using Portal.Shared.Team;

namespace Portal.Features.Demo;

/// <summary>
/// The Team module's demo: 1:1 series with months of history, development plans in progress with evidence from the
/// demo's incidents and RCAs, last half-year's signed-off review cycle and an open one with reviews in every state,
/// onboarding templates, and two recent hires part-way through onboarding. Written once, into empty tables.
/// </summary>
internal static class DemoCoachingSeeder
{
    private static readonly string[] SharedNotes =
    [
        "Walked through last week's pages. The 03:00 ledger alert is noisy; agreed to tune its threshold with the EU team.",
        "Talked about the handoff template. Shorter notes, with the open SEV2s first.",
        "Reviewed progress on the runbook rewrite for payment retries. Two sections left.",
        "Discussed leading the next SEV2 as commander, with a shadow from the manager.",
        "Went over the RCA feedback: the 5 Whys stopped one level too early.",
        "Planned time off around the month-end close; swap for two on-call shifts arranged.",
        "Talked about mentoring the newest engineer through their first on-call week.",
        "Looked at the on-call load spread: nights are uneven this month.",
    ];

    private static readonly string[] Agenda =
    [
        "Feedback on last incident's stakeholder updates",
        "Career: what L5 looks like in this team",
        "Too many off-hours pages last week",
        "Training budget for the PostgreSQL course",
        "Shadowing an incident commander",
        "Runbook ownership for invoicing",
    ];

    private static readonly string[] Actions =
    [
        "Draft the tuning proposal for the ledger alert",
        "Book a shadow shift with the JP team",
        "Send the RCA draft for early review",
        "Pair on the payment-retries runbook",
        "Write up the handoff checklist",
    ];

    public static async Task SeedAsync(PortalDbContext db, DemoWorld world, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.OnboardingTemplates.AnyAsync(cancellationToken) || await db.ReviewCycles.AnyAsync(cancellationToken))
        {
            return;
        }
        var random = new Random(DemoWorld.Seed + 8);
        var people = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Handle, cancellationToken);
        var engineers = world.People.Where(p => p.Role == PortalRole.Engineer).ToList();
        var reports = world.People.Where(p => p.ManagerHandle is not null).ToList();

        var templates = Templates();
        db.OnboardingTemplates.AddRange(templates);
        await SaveAsync(db, cancellationToken);

        await SeedOneOnOnesAsync(db, reports, people, random, now, cancellationToken);
        await SeedPlansAsync(db, engineers, people, random, now, cancellationToken);
        await SeedReviewsAsync(db, world, reports, people, random, now, cancellationToken);

        // Two recent hires, part-way through onboarding.
        var hires = new[] { (engineers.Last(p => p.Region == Shared.Admin.RegionCode.EU), 12), (engineers.Last(p => p.Region == Shared.Admin.RegionCode.AU), 30) };
        foreach (var (hire, daysIn) in hires)
        {
            var start = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-daysIn);
            var steps = templates[0].Steps;
            for (var i = 0; i < steps.Count; i++)
            {
                var due = start.AddDays(steps[i].DueAfterDays);
                var done = steps[i].DueAfterDays < daysIn - 3 && i % 4 != 3;
                db.OnboardingTasks.Add(new OnboardingTask
                {
                    PersonId = people[hire.Handle].Id, TemplateId = templates[0].Id, Order = i, Category = steps[i].Category, Title = steps[i].Title, DueDate = due,
                    DoneAt = done ? new DateTimeOffset(due.ToDateTime(new TimeOnly(15, 0)), TimeSpan.Zero).AddDays(-1) : null,
                    DoneById = done ? people[hire.Handle].Id : null,
                });
            }
        }
        await SaveAsync(db, cancellationToken);
    }

    /// <summary>
    /// Saves, then stops tracking what was saved: nothing here changes a saved row again, and every save would otherwise
    /// scan all rows saved before it (hundreds of 1:1 meetings and plan goals), which made this seed quadratic.
    /// </summary>
    private static async Task SaveAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    private static List<OnboardingTemplate> Templates() =>
    [
        new()
        {
            Name = "Support engineer onboarding", Role = PortalRole.Engineer,
            Steps =
            [
                new() { Category = OnboardingCategory.Access, Title = "Portal sign-in and notification channel set up", DueAfterDays = 1 },
                new() { Category = OnboardingCategory.Access, Title = "Read access to billing dashboards and logs", DueAfterDays = 2 },
                new() { Category = OnboardingCategory.Access, Title = "Break-glass access approved for payments", DueAfterDays = 7 },
                new() { Category = OnboardingCategory.RunbookReading, Title = "Read the payments and invoicing runbooks", DueAfterDays = 5 },
                new() { Category = OnboardingCategory.RunbookReading, Title = "Read the advertiser ledger and tax runbooks", DueAfterDays = 10 },
                new() { Category = OnboardingCategory.RunbookReading, Title = "Read three published RCAs of the last quarter", DueAfterDays = 10 },
                new() { Category = OnboardingCategory.ShadowShifts, Title = "Shadow a business-hours shift", DueAfterDays = 8 },
                new() { Category = OnboardingCategory.ShadowShifts, Title = "Shadow an off-hours shift", DueAfterDays = 14 },
                new() { Category = OnboardingCategory.ShadowShifts, Title = "Reverse-shadow: lead a shift with a buddy", DueAfterDays = 21 },
                new() { Category = OnboardingCategory.FirstOnCall, Title = "First on-call week, with a named backup", DueAfterDays = 28 },
                new() { Category = OnboardingCategory.FirstOnCall, Title = "First handoff note written and sent", DueAfterDays = 28 },
            ],
        },
        new()
        {
            Name = "New manager onboarding", Role = PortalRole.Manager,
            Steps =
            [
                new() { Category = OnboardingCategory.Access, Title = "Manager role in the portal; schedules and policies editable", DueAfterDays = 2 },
                new() { Category = OnboardingCategory.RunbookReading, Title = "Read the escalation policy of every owned service", DueAfterDays = 7 },
                new() { Category = OnboardingCategory.ShadowShifts, Title = "Shadow an incident commander on a SEV2", DueAfterDays = 14 },
                new() { Category = OnboardingCategory.FirstOnCall, Title = "First week as escalation level 2", DueAfterDays = 21 },
            ],
        },
    ];

    private static async Task SeedOneOnOnesAsync(PortalDbContext db, List<DemoPerson> reports, Dictionary<string, Person> people, Random random, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var seriesOf = new List<(OneOnOneSeries Series, DemoPerson Report)>();
        foreach (var report in reports)
        {
            var series = new OneOnOneSeries { ManagerId = people[report.ManagerHandle!].Id, ReportId = people[report.Handle].Id, CadenceDays = 14, CreatedAt = now.AddDays(-120) };
            db.OneOnOneSeries.Add(series);
            seriesOf.Add((series, report));
        }
        await SaveAsync(db, cancellationToken);
        foreach (var ((series, report), index) in seriesOf.Select((s, i) => (s, i)))
        {
            var first = now.UtcDateTime.Date.AddDays(-112 + (index % 10)).AddHours(report.Region switch
            {
                Shared.Admin.RegionCode.JP or Shared.Admin.RegionCode.AU => 1,
                Shared.Admin.RegionCode.EU => 9,
                _ => 16,
            });
            var at = new DateTimeOffset(first, TimeSpan.Zero);
            // Every seventh report's manager has let the latest 1:1 slip, so team health has something to say.
            var slipped = index % 7 == 3;
            var meetings = new List<OneOnOneMeeting>();
            while (at < now.AddDays(slipped ? -4 : 0))
            {
                meetings.Add(new OneOnOneMeeting { SeriesId = series.Id, ScheduledAt = at, HeldAt = at.AddMinutes(30), SharedNotes = SharedNotes[random.Next(SharedNotes.Length)], Version = 2 });
                at = at.AddDays(series.CadenceDays);
            }
            if (slipped)
            {
                meetings[^1].HeldAt = null;
                meetings[^1].SharedNotes = null;
                meetings[^1].Version = 1;
            }
            else
            {
                meetings.Add(new OneOnOneMeeting { SeriesId = series.Id, ScheduledAt = at, Version = 1 });
            }
            db.OneOnOneMeetings.AddRange(meetings);
            await SaveAsync(db, cancellationToken);
            foreach (var (meeting, m) in meetings.Select((m, i) => (m, i)))
            {
                var held = meeting.HeldAt is not null;
                db.OneOnOneItems.Add(new OneOnOneItem
                {
                    SeriesId = series.Id, MeetingId = meeting.Id, Kind = OneOnOneItemKind.Agenda, Text = Agenda[(index + m) % Agenda.Length],
                    AuthorId = m % 2 == 0 ? series.ReportId : series.ManagerId, DoneAt = held ? meeting.HeldAt : null, CreatedAt = meeting.ScheduledAt.AddDays(-3),
                });
                if (held && m % 3 == 1)
                {
                    var done = m < meetings.Count - 3;
                    db.OneOnOneItems.Add(new OneOnOneItem
                    {
                        SeriesId = series.Id, MeetingId = meeting.Id, Kind = OneOnOneItemKind.Action, Text = Actions[(index + m) % Actions.Length],
                        AuthorId = series.ManagerId, OwnerId = m % 2 == 0 ? series.ManagerId : series.ReportId,
                        DoneAt = done ? meeting.HeldAt!.Value.AddDays(series.CadenceDays) : null, CreatedAt = meeting.HeldAt!.Value,
                    });
                }
                if (held && m % 2 == 0)
                {
                    db.OneOnOnePrivateNotes.Add(new OneOnOnePrivateNote
                    {
                        MeetingId = meeting.Id, AuthorId = series.ManagerId, UpdatedAt = meeting.HeldAt!.Value,
                        Text = m % 4 == 0 ? "Seems tired after the night pages; check the rota balance before the next cycle." : "Ready for more ownership; consider for the commander rotation.",
                    });
                }
            }
        }
        await SaveAsync(db, cancellationToken);
    }

    private static async Task SeedPlansAsync(PortalDbContext db, List<DemoPerson> engineers, Dictionary<string, Person> people, Random random, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var commanded = await db.Incidents.AsNoTracking().Where(i => i.CommanderId != null).GroupBy(i => i.CommanderId!.Value)
            .Select(g => new { Person = g.Key, Number = g.Max(i => i.Number) }).ToDictionaryAsync(g => g.Person, g => g.Number, cancellationToken);
        var authored = await db.Rcas.AsNoTracking().GroupBy(r => r.AuthorId).Select(g => new { Person = g.Key, Id = g.Max(r => r.Id) })
            .ToDictionaryAsync(g => g.Person, g => g.Id, cancellationToken);
        var incidentTitles = await db.Incidents.AsNoTracking().Where(i => commanded.Values.Contains(i.Number)).ToDictionaryAsync(i => i.Number, i => i.Title, cancellationToken);
        var rcaTitles = await db.Rcas.AsNoTracking().Where(r => authored.Values.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Title, cancellationToken);
        var competencies = Enum.GetValues<Competency>().Where(c => c != Competency.PeopleManagement).ToArray();
        foreach (var (engineer, index) in engineers.Select((e, i) => (e, i)))
        {
            var person = people[engineer.Handle];
            var plan = new DevelopmentPlan
            {
                PersonId = person.Id, Title = $"Growth plan {now.Year}", CreatedById = person.ManagerId!.Value, CreatedAt = now.AddDays(-100), UpdatedAt = now.AddDays(-random.Next(1, 20)),
            };
            db.Plans.Add(plan);
            await SaveAsync(db, cancellationToken);
            var goals = new List<PlanGoal>
            {
                Goal(plan, Competency.IncidentLeadership, "Command a SEV2 end to end", ["Shadow two commanders", "Co-command a SEV2", "Command a SEV2 with a retro"], index, now),
                Goal(plan, competencies[index % competencies.Length] == Competency.IncidentLeadership ? Competency.TechnicalDepth : competencies[index % competencies.Length],
                    index % 2 == 0 ? "Own the payments runbooks" : "Write clearer stakeholder updates", ["Agree the scope with the manager", "First draft reviewed", "Shared with the team"], index + 1, now),
            };
            if (engineer.Level is "L6")
            {
                goals.Add(Goal(plan, Competency.PeopleManagement, "Prepare for the manager path", ["Run two 1:1s with a mentee", "Lead the team's weekly review"], index + 2, now));
            }
            if (commanded.TryGetValue(person.Id, out var number))
            {
                goals[0].Evidence.Add(new PlanEvidence
                {
                    Kind = EvidenceKind.Incident, Reference = IncidentNumber.Format(number), Title = $"{IncidentNumber.Format(number)}: {incidentTitles[number]}",
                    Note = "Commanded it.", AddedById = person.Id, AddedAt = now.AddDays(-5),
                });
            }
            if (authored.TryGetValue(person.Id, out var rca))
            {
                goals[0].Evidence.Add(new PlanEvidence { Kind = EvidenceKind.Rca, Reference = rca.ToString(System.Globalization.CultureInfo.InvariantCulture), Title = $"RCA {rca}: {rcaTitles[rca]}", Note = "Wrote the RCA.", AddedById = person.Id, AddedAt = now.AddDays(-3) });
            }
            db.PlanGoals.AddRange(goals);
            await SaveAsync(db, cancellationToken);
            foreach (var goal in goals.Where(g => g.Progress > 0))
            {
                db.PlanUpdates.Add(new PlanUpdate { GoalId = goal.Id, AuthorId = person.Id, At = now.AddDays(-40), Text = "Started: agreed the first milestone with my manager.", Progress = Math.Min(goal.Progress, 20) });
                db.PlanUpdates.Add(new PlanUpdate { GoalId = goal.Id, AuthorId = person.ManagerId!.Value, At = now.AddDays(-6), Text = "Good progress; the next milestone is the harder one.", Progress = goal.Progress });
            }
        }
        await SaveAsync(db, cancellationToken);
    }

    private static PlanGoal Goal(DevelopmentPlan plan, Competency competency, string title, string[] milestones, int index, DateTimeOffset now)
    {
        var done = index % (milestones.Length + 1);
        return new PlanGoal
        {
            PlanId = plan.Id, Competency = competency, Title = title, TargetDate = DateOnly.FromDateTime(now.UtcDateTime).AddDays(60 + index % 5 * 10),
            Progress = done * 100 / (milestones.Length + 1) + 10, CreatedAt = plan.CreatedAt,
            Milestones = [.. milestones.Select((m, i) => new PlanMilestone { Title = m, DoneAt = i < done ? now.AddDays(-60 + i * 20) : null })],
        };
    }

    private static async Task SeedReviewsAsync(PortalDbContext db, DemoWorld world, List<DemoPerson> reports, Dictionary<string, Person> people, Random random, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var head = people[world.People.First(p => p.Role == PortalRole.Admin).Handle];
        var year = now.Year;
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var past = new ReviewCycle
        {
            Name = $"{year} H1", PeriodStart = new DateOnly(year, 1, 1), PeriodEnd = new DateOnly(year, 6, 30),
            SelfReviewDue = new DateTimeOffset(year, 7, 10, 17, 0, 0, TimeSpan.Zero), PeerFeedbackDue = new DateTimeOffset(year, 7, 14, 17, 0, 0, TimeSpan.Zero),
            ManagerReviewDue = new DateTimeOffset(year, 7, 24, 17, 0, 0, TimeSpan.Zero), CreatedById = head.Id, CreatedAt = new DateTimeOffset(year, 6, 25, 9, 0, 0, TimeSpan.Zero),
        };
        var current = new ReviewCycle
        {
            Name = $"{year} H2", PeriodStart = new DateOnly(year, 7, 1), PeriodEnd = new DateOnly(year, 12, 31),
            SelfReviewDue = today.AddDays(5).AddHours(17), PeerFeedbackDue = today.AddDays(9).AddHours(17), ManagerReviewDue = today.AddDays(19).AddHours(17),
            CreatedById = head.Id, CreatedAt = now.AddDays(-9),
        };
        db.ReviewCycles.AddRange(past, current);
        await SaveAsync(db, cancellationToken);
        Dictionary<Competency, int> Ratings(DemoPerson p) => ReviewRules.CompetenciesFor(p.Role, p.Level).ToDictionary(c => c, _ => random.Next(2, 6));

        foreach (var (report, index) in reports.Select((r, i) => (r, i)))
        {
            var (personId, managerId) = (people[report.Handle].Id, people[report.ManagerHandle!].Id);
            db.Reviews.Add(new Review
            {
                CycleId = past.Id, PersonId = personId, ManagerId = managerId, State = ReviewState.SignedOff,
                SelfRatings = Ratings(report), SelfText = "Carried my share of nights and wrote two runbooks. Want to lead more incidents.", SelfSubmittedAt = past.SelfReviewDue.AddDays(-2),
                ManagerRatings = Ratings(report), ManagerText = "Steady on call and generous with handoffs. Next: command a SEV2 and write the RCA that follows.",
                ManagerSubmittedAt = past.ManagerReviewDue.AddDays(-3), SignedOffAt = past.ManagerReviewDue.AddDays(-1), SignedOffById = managerId, Version = 5,
            });
            // The open cycle: reviews in every state, by position within the team.
            var state = (ReviewState)(index % 4);
            var review = new Review { CycleId = current.Id, PersonId = personId, ManagerId = managerId, State = state, Version = 2 };
            if (state == ReviewState.SelfReview && index % 8 == 0)
            {
                (review.SelfRatings, review.SelfText) = (Ratings(report), "Draft: the ledger migration went well; more to say about mentoring.");
            }
            if (state >= ReviewState.ManagerReview)
            {
                (review.SelfRatings, review.SelfText, review.SelfSubmittedAt) = (Ratings(report), "Led the response to two SEV2s and wrote both RCAs. I want to mentor the new hires next half.", now.AddDays(-2));
            }
            if (state >= ReviewState.AwaitingSignOff)
            {
                (review.ManagerRatings, review.ManagerText, review.ManagerSubmittedAt) = (Ratings(report), "A calm commander and a clear writer. Keep pushing the alert-noise work.", now.AddDays(-1));
            }
            if (state == ReviewState.SignedOff)
            {
                (review.SignedOffAt, review.SignedOffById) = (now.AddHours(-6), managerId);
            }
            db.Reviews.Add(review);
        }
        await SaveAsync(db, cancellationToken);

        // Peer feedback: a teammate asked for each review still open, answered for every other one.
        var open = await db.Reviews.Where(r => r.CycleId == current.Id && r.State != ReviewState.SignedOff && r.State != ReviewState.AwaitingSignOff).ToListAsync(cancellationToken);
        var teamOf = people.Values.ToDictionary(p => p.Id, p => p.TeamId);
        foreach (var (review, i) in open.Select((r, i) => (r, i)))
        {
            var peer = people.Values.Where(p => p.Id != review.PersonId && p.Id != review.ManagerId && p.TeamId == teamOf[review.PersonId] && p.Role == PortalRole.Engineer)
                .OrderBy(p => p.Id).Skip(i % 3).FirstOrDefault();
            if (peer is null)
            {
                continue;
            }
            db.PeerFeedback.Add(new PeerFeedback
            {
                ReviewId = review.Id, PeerId = peer.Id, RequestedById = review.ManagerId, RequestedAt = now.AddDays(-7),
                Text = i % 2 == 0 ? "Always leaves a clean handoff; explained the ledger replay to me patiently." : null, SubmittedAt = i % 2 == 0 ? now.AddDays(-3) : null,
            });
        }
        await SaveAsync(db, cancellationToken);
    }
}
