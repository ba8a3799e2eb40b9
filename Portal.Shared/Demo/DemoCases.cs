using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Directory;

namespace Portal.Shared.Demo;

/// <summary>A demo case as lived: the case with its clocks and flags as the workflow left them, its conversation and timeline.</summary>
public sealed record DemoCase(SupportCase Case, int AdvertiserIndex, string? AssigneeHandle, List<CaseMessage> Messages, List<CaseEvent> Events, CaseSurvey? Survey = null);

/// <summary>
/// Ninety days of advertiser cases, lived through <see cref="CaseWorkflow"/> at the times they happened, so their clocks,
/// breaches, reopenings and replies are exactly what the live rules would have made. Anything that would happen after
/// "now" has not happened yet: recent cases wait in every open status.
/// </summary>
public static class DemoCases
{
    public const int Days = 90;
    public const int PerDay = 16;

    /// <summary>The surge of the last quarter hour (<see cref="Generate"/>): this many cases of this category, all from Mexico.</summary>
    public const int SurgeCases = 7;

    public const string SurgeCategory = "duplicate-charge";

    private static readonly Dictionary<string, (string[] Subjects, string Ask, string Answer)> Texts = new()
    {
        ["invoice-dispute"] = (["Invoice total does not match our spend report", "Wrong VAT on last month's invoice", "Invoice shows a campaign we paused"],
            "Our invoice for last month is higher than the spend our reports show. Can you explain the difference?",
            "Thanks for the details. The difference comes from clicks recorded after your report's cut-off; I've attached the reconciliation."),
        ["duplicate-charge"] = (["Card charged twice for the same invoice", "Duplicate payment taken this morning", "Two debits for one threshold bill"],
            "We were charged twice for the same invoice today. Please refund the duplicate.",
            "I can confirm the second charge was a duplicate. A refund has been issued and will reach your card in 3-5 business days."),
        ["refund"] = (["Refund for cancelled campaign not received", "Where is our promised refund?", "Refund to the wrong card"],
            "We were promised a refund two weeks ago and have not received it.",
            "The refund was released today; it was held by a failed bank transfer. You'll see it within five business days."),
        ["payment-failure"] = (["Payment declined although the card is valid", "Bank transfer not applied to our account", "Ads paused after failed payment"],
            "Our payment was declined and our ads stopped. The card works everywhere else.",
            "The issuer declined for a 3-D Secure check. I've re-run the charge after your confirmation and your ads are live again."),
        ["tax-document"] = (["Need a corrected tax invoice", "Missing tax certificate for Q3", "Tax registration number not on invoices"],
            "We need a corrected tax invoice with our registration number for our auditors.",
            "I've reissued the invoices with your registration number; they are in the billing console under Documents."),
        ["budget-promotion"] = (["Promotional credit not applied", "Coupon expired before the end date", "Budget cap ignored overnight"],
            "Our promotional credit was not applied to this month's spend.",
            "The credit was missing from the eligibility list. It's applied now and shows on your next invoice."),
        ["credit-line"] = (["Request to raise our credit line", "Credit line reduced without notice", "Invoice terms changed from 30 to 15 days"],
            "We'd like to raise our credit line ahead of the holiday season.",
            "The credit review approved the increase; it takes effect from tomorrow."),
        ["other"] = (["Question about billing currency", "How do we add a second billing contact?", "Change of company address"],
            "Could you help us with a question about our billing setup?",
            "Done: the change is saved and applies from your next invoice."),
    };

    private static readonly string[] Categories = [.. Texts.Keys];

    /// <summary>
    /// Builds the history up to <paramref name="now"/>, for the advertisers given and the engineers of each region.
    /// Same output for the same inputs.
    /// </summary>
    public static List<DemoCase> Generate(IReadOnlyList<AdvertiserInput> advertisers, IReadOnlyDictionary<RegionCode, IReadOnlyList<(string Handle, string Name)>> engineers,
        DateTimeOffset now)
    {
        var random = new Random(DemoWorld.Seed + 11);
        var calendars = Enum.GetValues<RegionCode>().ToDictionary(r => r, r => RegionCalendars.Default(r).ToCalendar());
        var start = now.AddDays(-Days);
        var result = new List<DemoCase>(Days * PerDay);
        var count = Days * PerDay;
        for (var n = 0; n < count; n++)
        {
            // Spread over the window, a little busier in recent weeks, at the advertiser's working hours more often than not.
            var at = start.AddMinutes(Math.Pow(random.NextDouble(), 0.9) * Days * 24 * 60);
            var index = random.Next(advertisers.Count);
            var advertiser = advertisers[index];
            var region = Regions.TryParse(advertiser.Region, out var r) ? r : RegionCode.US;
            var tier = AdvertiserRules.TryParseTier(advertiser.Tier, out var t) ? t : AdvertiserTier.SelfServe;
            result.Add(Live(random, advertiser, index, region, tier, calendars[region], engineers[region], at, now));
        }
        // Right now, Mexican advertisers are writing in about duplicate charges faster than this hour of the week has ever
        // seen, and no incident is open about it yet: what the early warnings are for.
        var mexican = advertisers.Select((a, i) => (Advertiser: a, Index: i)).Where(a => a.Advertiser.Region == "MX").ToList();
        for (var n = 0; n < SurgeCases; n++)
        {
            var (advertiser, index) = mexican[(n * 7) % mexican.Count];
            var tier = AdvertiserRules.TryParseTier(advertiser.Tier, out var t) ? t : AdvertiserTier.SelfServe;
            result.Add(Live(random, advertiser, index, RegionCode.MX, tier, calendars[RegionCode.MX], engineers[RegionCode.MX], now.AddMinutes(-2 - 2.5 * n), now, SurgeCategory));
        }
        return [.. result.OrderBy(c => c.Case.CreatedAt)];
    }

    private static DemoCase Live(Random random, AdvertiserInput advertiser, int index, RegionCode region, AdvertiserTier tier, BusinessCalendar regionCalendar,
        IReadOnlyList<(string Handle, string Name)> engineers, DateTimeOffset openedAt, DateTimeOffset now, string? forCategory = null)
    {
        var category = Categories[random.Next(Categories.Length)];
        category = forCategory ?? category;
        var text = Texts[category];
        var channel = random.NextDouble() switch { < 0.5 => CaseChannel.Email, < 0.8 => CaseChannel.WebForm, < 0.9 => CaseChannel.Api, _ => CaseChannel.Internal };
        var priority = random.NextDouble() switch { < 0.06 => CasePriority.P1, < 0.25 => CasePriority.P2, < 0.75 => CasePriority.P3, _ => CasePriority.P4 };
        var requester = advertiser.BillingEmails![0];
        var c = new SupportCase
        {
            Subject = text.Subjects[random.Next(text.Subjects.Length)], Category = category, Priority = priority, Channel = channel, Region = region,
            RequesterEmail = requester,
        };
        if (category is "invoice-dispute" or "duplicate-charge" or "refund")
        {
            c.DisputedAmount = Math.Round((decimal)(random.NextDouble() * 4000 + 20), 2);
            c.Currency = region switch { RegionCode.EU => "EUR", RegionCode.JP => "JPY", RegionCode.MX => "MXN", RegionCode.AU => "AUD", _ => "USD" };
            if (c.Currency == "JPY")
            {
                c.DisputedAmount = Math.Round(c.DisputedAmount.Value * 150);
            }
        }
        var policy = CaseSla.PolicyFor(CaseSla.Defaults, priority, tier);
        var calendar = policy is { BusinessHours: true } ? regionCalendar : BusinessCalendar.AlwaysOpen;
        var them = new CaseActor(null, requester);
        var messages = new List<CaseMessage>();
        var events = CaseWorkflow.Open(c, them, policy, calendar, openedAt);
        messages.Add(Message(c, CaseMessageKind.Advertiser, them, text.Ask, openedAt));
        var engineer = engineers[random.Next(engineers.Count)];
        var person = new CaseActor(null, engineer.Name);
        var assignee = (string?)null;

        // The story, step by step; each step happens only if its time has come.
        var clockAt = openedAt;
        // A share of the last days' cases is still waiting for its next step: the backlog a real queue carries.
        var horizon = now - openedAt < TimeSpan.FromDays(4) && random.NextDouble() < 0.6 ? openedAt + (now - openedAt) * Math.Pow(random.NextDouble(), 2) : now;
        bool Step(double minutes, Action act)
        {
            var next = clockAt.AddMinutes(minutes);
            if (next > horizon)
            {
                return false;
            }
            clockAt = next;
            act();
            events.AddRange(CaseWorkflow.Breaches(c, calendar, clockAt));
            return true;
        }
        // Breaches that ran out before the next step are recorded as the monitor would have.
        var firstReplyMinutes = priority <= CasePriority.P2 ? 10 + random.NextDouble() * 120 : 30 + random.NextDouble() * random.NextDouble() * 1800;
        var story = random.NextDouble();
        // Some cases wait days on the advertiser or another team: the open queue is never only today's.
        var pace = random.NextDouble() < 0.4 ? 2 + random.NextDouble() * 12 : 1;
        _ = Step(firstReplyMinutes * 0.3, () =>
            {
                assignee = engineer.Handle;
                events.Add(CaseWorkflow.Commit(c, [CaseWorkflow.Entry(c, CaseEventKind.Assigned, person, clockAt, to: person.Name)], clockAt)[0]);
            })
            && Step(firstReplyMinutes * 0.7, () =>
            {
                var then = story < 0.45 ? CaseStatus.Solved : story < 0.85 ? CaseStatus.PendingAdvertiser : CaseStatus.OnHold;
                messages.Add(Message(c, CaseMessageKind.Reply, person, then == CaseStatus.Solved ? text.Answer : "Thanks for writing in. Could you send the invoice number and the last four digits of the card?", clockAt));
                events.AddRange(CaseWorkflow.Reply(c, person, calendar, clockAt, then));
            })
            && (c.Status == CaseStatus.Solved || Step((60 + random.NextDouble() * 1400) * pace, () =>
            {
                if (c.Status == CaseStatus.OnHold)
                {
                    messages.Add(Message(c, CaseMessageKind.Note, person, "The payments team confirmed the cause; resuming.", clockAt));
                    events.AddRange(CaseWorkflow.SetStatus(c, CaseStatus.Open, person, calendar, clockAt));
                }
                else
                {
                    messages.Add(Message(c, CaseMessageKind.Advertiser, them, "Here are the details you asked for.", clockAt));
                    events.AddRange(CaseWorkflow.AdvertiserWrote(c, them, calendar, clockAt, CaseWorkflow.DefaultReopenWindow)!);
                }
            }) && Step((30 + random.NextDouble() * 600) * pace, () =>
            {
                messages.Add(Message(c, CaseMessageKind.Reply, person, text.Answer, clockAt));
                events.AddRange(CaseWorkflow.Reply(c, person, calendar, clockAt, CaseStatus.Solved));
            }))
            // Some come back: within the reopen window the case opens again, and is solved once more.
            && (random.NextDouble() > 0.09 || (Step(600 + random.NextDouble() * 5000, () =>
            {
                messages.Add(Message(c, CaseMessageKind.Advertiser, them, "This happened again on today's invoice.", clockAt));
                events.AddRange(CaseWorkflow.AdvertiserWrote(c, them, calendar, clockAt, CaseWorkflow.DefaultReopenWindow)!);
            }) && Step(60 + random.NextDouble() * 900, () =>
            {
                messages.Add(Message(c, CaseMessageKind.Reply, person, "Fixed for good now: the duplicate rule is corrected on our side.", clockAt));
                events.AddRange(CaseWorkflow.Reply(c, person, calendar, clockAt, CaseStatus.Solved));
            })))
            // Solved cases close after four quiet days.
            && Step(4 * 24 * 60, () => events.AddRange(CaseWorkflow.SetStatus(c, CaseStatus.Closed, new CaseActor(null, "Auto-close"), calendar, clockAt)));
        // Clocks that ran out while nothing happened, up to now.
        events.AddRange(CaseWorkflow.Breaches(c, calendar, now));
        if (assignee is null && c.Status == CaseStatus.New && random.NextDouble() < 0.4)
        {
            assignee = engineer.Handle;
        }
        c.Version = Math.Max(c.Version, events.Max(e => e.CaseVersion));
        return new DemoCase(c, index, assignee, messages, events, Survey(random, c, advertiser.Language, events, now));
    }

    /// <summary>
    /// The survey sent when the case was first solved; four in ten are answered within a few days, mostly well, less
    /// well when the case ran late or came back.
    /// </summary>
    private static CaseSurvey? Survey(Random random, SupportCase c, string? language, List<CaseEvent> events, DateTimeOffset now)
    {
        var solved = events.FirstOrDefault(e => e.Kind == CaseEventKind.StatusChanged && e.To == nameof(CaseStatus.Solved))?.At;
        if (solved is not { } sentAt)
        {
            return null;
        }
        var survey = new CaseSurvey { Case = c, SentAt = sentAt, Language = IntakeRules.Survey(language).Language };
        var answeredAt = sentAt.AddHours(1 + random.NextDouble() * 72);
        if (random.NextDouble() < 0.4 && answeredAt <= now)
        {
            var mood = random.NextDouble() - (c.ResolutionBreached ? 0.3 : 0) - (c.ReopenCount > 0 ? 0.25 : 0) - (c.FirstReplyBreached ? 0.1 : 0);
            survey.Score = mood switch { > 0.4 => 5, > 0.05 => 4, > -0.1 => 3, > -0.3 => 2, _ => 1 };
            survey.AnsweredAt = answeredAt;
            survey.Comment = survey.Score switch
            {
                5 => "Fast and clear, thank you.",
                4 => "Solved, though it took a while to hear back.",
                3 => null,
                _ => "I had to write twice before anyone understood the problem.",
            };
            events.Add(new CaseEvent
            {
                Case = c, CaseVersion = c.Version, Kind = CaseEventKind.SurveyAnswered, ActorName = c.RequesterEmail ?? "advertiser", At = answeredAt,
                Text = $"Rated {survey.Score} of 5.", To = survey.Score.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        return survey;
    }

    private static CaseMessage Message(SupportCase c, CaseMessageKind kind, CaseActor author, string body, DateTimeOffset at) =>
        new() { Case = c, Kind = kind, AuthorName = author.Name, Body = body, At = at };
}
