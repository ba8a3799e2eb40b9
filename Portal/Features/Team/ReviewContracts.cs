using Portal.Shared;
using Portal.Shared.Team;

namespace Portal.Features.Team;

public sealed record ReviewPart(IReadOnlyDictionary<Competency, int> Ratings, string? Text, DateTimeOffset? SubmittedAt);

public sealed record PeerFeedbackView(int Id, string Peer, string PeerName, DateTimeOffset RequestedAt, string? Text, DateTimeOffset? SubmittedAt, bool Declined);

/// <summary>What the viewer may do with a review now.</summary>
public sealed record ReviewAbilities(bool WriteSelf, bool WriteManager, bool SignOff, bool ReopenSelf, bool ReopenManager, bool RequestPeers);

/// <summary>
/// A review as the viewer may see it: the person sees their own self-review, and the manager's part only once signed
/// off; managers see the self-review once submitted, the peer feedback, and their own part.
/// </summary>
public sealed record ReviewView(int Id, int CycleId, string Cycle, DateOnly PeriodStart, DateOnly PeriodEnd, string Person, string PersonName, string Manager, string ManagerName,
    ReviewState State, DateTimeOffset SelfDue, DateTimeOffset PeerDue, DateTimeOffset ManagerDue, IReadOnlyList<Competency> Competencies,
    ReviewPart? Self, ReviewPart? ManagerPart, IReadOnlyList<PeerFeedbackView>? Peers, DateTimeOffset? SignedOffAt, string? SignedOffBy, int Version,
    ReviewAbilities Can, OperationalRecord Record);

/// <summary>A review's state and deadlines, without content: what cycle pages, histories and admins see.</summary>
public sealed record ReviewSummary(int Id, int CycleId, string Cycle, DateOnly PeriodStart, DateOnly PeriodEnd, string Person, string PersonName, string Manager, string ManagerName,
    ReviewState State, DateTimeOffset SelfDue, DateTimeOffset ManagerDue, bool Late, DateTimeOffset? SignedOffAt);

public sealed record CycleView(int Id, string Name, DateOnly PeriodStart, DateOnly PeriodEnd, DateTimeOffset SelfReviewDue, DateTimeOffset PeerFeedbackDue,
    DateTimeOffset ManagerReviewDue, string? Team, string OpenedBy, IReadOnlyDictionary<ReviewState, int> Counts, IReadOnlyList<ReviewSummary> Reviews);

public sealed record CycleInput(string? Name, DateOnly PeriodStart, DateOnly PeriodEnd, DateTimeOffset SelfReviewDue, DateTimeOffset PeerFeedbackDue, DateTimeOffset ManagerReviewDue,
    string? Team = null);

public sealed record ReviewPartInput(Dictionary<Competency, int>? Ratings, [property: MultiLine] string? Text, int Version, bool Submit = false);

public sealed record ReopenInput(string? Part, DateTimeOffset Until);

public sealed record PeerRequestInput(string? Peer);

public sealed record PeerAnswerInput([property: MultiLine] string? Text, bool Decline = false);

public sealed record PeerRequestView(int Id, int ReviewId, string Person, string PersonName, string Cycle, DateTimeOffset Due, DateTimeOffset? SubmittedAt, bool Declined, string? Text);
