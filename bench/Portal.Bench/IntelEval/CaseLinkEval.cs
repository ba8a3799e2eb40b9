using System.Globalization;
using System.Numerics.Tensors;
using Portal.Shared.Intelligence;

namespace Portal.Bench.IntelEval;

/// <summary>
/// Cases suggested for linking to an open incident: every scored incident, open for six hours, against every case
/// written from a day before it opened until then (the window the portal uses); a pair belongs together when the case
/// is of the incident's family. Reports pairwise precision and recall at the portal's threshold and around it.
/// </summary>
internal static class CaseLinkEval
{
    private static readonly TimeSpan OpenFor = TimeSpan.FromHours(6);

    public static IEnumerable<string> Run(IReadOnlyList<EvalIncident> incidents, float[][] incidentVectors, IReadOnlyList<EvalCase> cases, float[][] caseVectors)
    {
        foreach (var threshold in new[] { 0.35, 0.40, SimilarityRules.CaseLinkThreshold, 0.50, 0.55 })
        {
            var (tp, fp, fn) = (0, 0, 0);
            for (var i = 0; i < incidents.Count; i++)
            {
                var incident = incidents[i];
                for (var c = 0; c < cases.Count; c++)
                {
                    var written = cases[c].OpenedAt;
                    if (written > incident.OpenedAt + OpenFor || written < incident.OpenedAt - SimilarityRules.CaseLinkLead)
                    {
                        continue;
                    }
                    var suggested = SimilarityRules.LinkCase(TensorPrimitives.Dot(incidentVectors[i], caseVectors[c]), written, incident.OpenedAt, threshold);
                    var same = !incident.NewCause && cases[c].Family.Key == incident.Family.Key;
                    (tp, fp, fn) = (tp + (suggested && same ? 1 : 0), fp + (suggested && !same ? 1 : 0), fn + (!suggested && same ? 1 : 0));
                }
            }
            var precision = tp + fp == 0 ? 0 : tp / (double)(tp + fp);
            var recall = tp + fn == 0 ? 0 : tp / (double)(tp + fn);
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  case links at cosine {threshold:0.00}: precision {precision:0.00}, recall {recall:0.00} (tp {tp}, fp {fp}, fn {fn}){(threshold == SimilarityRules.CaseLinkThreshold ? "  <- the portal's" : "")}");
        }
    }
}
