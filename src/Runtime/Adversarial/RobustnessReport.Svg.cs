using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Axon.Data;

namespace Axon.Adversarial;

// The report as a stand-alone SVG chart, drawn by hand (no charting dependency).
public sealed partial class RobustnessReport
{
    /// <summary>
    /// A stand-alone SVG line chart of robust accuracy (y, 0–100 %) against ε (x), one
    /// <c>&lt;polyline&gt;</c> per attack with a marker per ε, a dashed line at the clean accuracy, axes,
    /// ticks and a legend. L∞ and L2 attacks get a panel each, side by side, with their own ε axis.
    /// </summary>
    public string ToSvg() => ToSvg([(null, this)]);

    /// <summary>
    /// As <see cref="ToSvg()"/>, several reports in one chart (for example a model before and after
    /// adversarial training): one <c>&lt;polyline&gt;</c> per report and attack, labelled
    /// <c>"label · attack"</c>, and one dashed clean-accuracy line per report and panel.
    /// </summary>
    /// <param name="reports">The reports and their legend labels.</param>
    public static string ToSvg(IReadOnlyList<(string? Label, RobustnessReport Report)> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0) throw new ArgumentException("expected at least one report.", nameof(reports));
        return Svg.Chart(reports);
    }

    private static class Svg
    {
        private const double PanelWidth = 400, Gap = 70, Height = 420, Left = 70, Right = 250, Top = 40, Bottom = 60;
        private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
        private static readonly string[] Dashes = ["", "6 3", "2 3"];

        public static string Chart(IReadOnlyList<(string? Label, RobustnessReport Report)> reports)
        {
            var norms = new[] { AttackNorm.LInf, AttackNorm.L2 }
                .Where(norm => reports.Any(r => r.Report.Attacks.Any(a => NormOf(a) == norm))).ToArray();
            double width = Left + norms.Length * PanelWidth + (norms.Length - 1) * Gap + Right;
            double plotH = Height - Top - Bottom;
            double Y(double a) => Top + (1 - a) * plotH;

            var s = new StringBuilder();
            s.Append(CultureInfo.InvariantCulture,
                $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(Height)}\" viewBox=\"0 0 {N(width)} {N(Height)}\" font-family=\"sans-serif\" font-size=\"12\">\n");
            string title = reports.Count == 1 ? $"Robust accuracy of {reports[0].Report.ModelName} vs attack budget ε" : "Robust accuracy vs attack budget ε";
            s.Append(CultureInfo.InvariantCulture, $"  <title>{Escape(title)}</title>\n");
            s.Append(CultureInfo.InvariantCulture, $"  <rect width=\"{N(width)}\" height=\"{N(Height)}\" fill=\"white\"/>\n");
            s.Append(CultureInfo.InvariantCulture, $"  <text x=\"{N((width - Right + Left) / 2)}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{Escape(title)}</text>\n");
            s.Append(CultureInfo.InvariantCulture, $"  <text x=\"18\" y=\"{N(Top + plotH / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {N(Top + plotH / 2)})\">robust accuracy</text>\n");

            var legend = new StringBuilder();
            double legendY = Top + 8;
            var colors = new Dictionary<(int, RobustnessAttack), string>();
            int color = 0;
            for (int p = 0; p < norms.Length; p++)
            {
                var norm = norms[p];
                double left = Left + p * (PanelWidth + Gap);
                double xMax = reports.Max(r => (double)(norm == AttackNorm.L2 ? r.Report.L2Epsilons[^1] : r.Report.Epsilons[^1]));
                double xStep = NiceStep(xMax > 0 ? xMax : 1, 5);
                xMax = xMax > 0 ? Math.Ceiling(xMax / xStep - 1e-6) * xStep : 1;
                double X(double e) => left + e / xMax * PanelWidth;

                s.Append(CultureInfo.InvariantCulture, $"  <g class=\"panel\" data-norm=\"{(norm == AttackNorm.L2 ? "L2" : "Linf")}\">\n");
                // Grid, ticks and tick labels.
                s.Append("  <g class=\"y-ticks\" stroke=\"#ddd\">\n");
                for (int k = 0; k <= 5; k++)
                {
                    double a = k / 5.0, y = Y(a);
                    s.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(left)}\" y1=\"{N(y)}\" x2=\"{N(left + PanelWidth)}\" y2=\"{N(y)}\"/>\n");
                    s.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(left - 5)}\" y1=\"{N(y)}\" x2=\"{N(left)}\" y2=\"{N(y)}\" stroke=\"black\"/>\n");
                    s.Append(CultureInfo.InvariantCulture, $"    <text x=\"{N(left - 8)}\" y=\"{N(y + 4)}\" text-anchor=\"end\" stroke=\"none\" fill=\"black\">{k * 20} %</text>\n");
                }
                s.Append("  </g>\n  <g class=\"x-ticks\" stroke=\"#ddd\">\n");
                for (int k = 0; k * xStep <= xMax + 1e-12; k++)
                {
                    double e = k * xStep, x = X(e);
                    s.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(x)}\" y1=\"{N(Top)}\" x2=\"{N(x)}\" y2=\"{N(Top + plotH)}\"/>\n");
                    s.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(x)}\" y1=\"{N(Top + plotH)}\" x2=\"{N(x)}\" y2=\"{N(Top + plotH + 5)}\" stroke=\"black\"/>\n");
                    s.Append(CultureInfo.InvariantCulture, $"    <text x=\"{N(x)}\" y=\"{N(Top + plotH + 19)}\" text-anchor=\"middle\" stroke=\"none\" fill=\"black\">{Math.Round(e, 10).ToString("0.###", CultureInfo.InvariantCulture)}</text>\n");
                }
                s.Append("  </g>\n");

                // Axes and the x label.
                s.Append(CultureInfo.InvariantCulture, $"  <line class=\"axis\" x1=\"{N(left)}\" y1=\"{N(Top + plotH)}\" x2=\"{N(left + PanelWidth)}\" y2=\"{N(Top + plotH)}\" stroke=\"black\"/>\n");
                s.Append(CultureInfo.InvariantCulture, $"  <line class=\"axis\" x1=\"{N(left)}\" y1=\"{N(Top)}\" x2=\"{N(left)}\" y2=\"{N(Top + plotH)}\" stroke=\"black\"/>\n");
                string axis = norm == AttackNorm.L2 ? "L2 budget ε (length of the change)" : "attack budget ε (largest change per input value, L∞)";
                s.Append(CultureInfo.InvariantCulture, $"  <text x=\"{N(left + PanelWidth / 2)}\" y=\"{N(Height - 18)}\" text-anchor=\"middle\">{axis}</text>\n");

                // Series.
                for (int r = 0; r < reports.Count; r++)
                {
                    var (label, report) = reports[r];
                    string dash = Dashes[r % Dashes.Length];
                    string dashAttr = dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "";
                    foreach (var attack in report.Attacks)
                    {
                        if (NormOf(attack) != norm) continue;
                        string c = colors[(r, attack)] = Colors[color++ % Colors.Length];
                        string name = (label is null ? "" : label + " · ") + report.Label(attack);
                        var points = new StringBuilder();
                        var markers = new StringBuilder();
                        foreach (var res in report.Results)
                        {
                            if (res.Attack != attack) continue;
                            double x = X(res.Epsilon), y = Y(res.RobustAccuracy);
                            points.Append(CultureInfo.InvariantCulture, $"{N(x)},{N(y)} ");
                            markers.Append(CultureInfo.InvariantCulture,
                                $"    <circle cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"3\" fill=\"{c}\"><title>{Escape(name)}, ε = {Format(res.Epsilon)}: {Percent(res.RobustAccuracy)}</title></circle>\n");
                        }
                        s.Append(CultureInfo.InvariantCulture, $"  <g class=\"series\">\n    <polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\"{dashAttr} points=\"{points.ToString().TrimEnd()}\"><title>{Escape(name)}</title></polyline>\n");
                        s.Append(markers);
                        s.Append("  </g>\n");
                    }
                    s.Append(CultureInfo.InvariantCulture,
                        $"  <line class=\"clean\" x1=\"{N(left)}\" y1=\"{N(Y(report.CleanAccuracy))}\" x2=\"{N(left + PanelWidth)}\" y2=\"{N(Y(report.CleanAccuracy))}\" stroke=\"#888\"{(dash.Length > 0 ? dashAttr : " stroke-dasharray=\"4 4\"")}/>\n");
                }
                s.Append("  </g>\n");
            }

            // Legend: per report, its attacks then its clean accuracy.
            double legendX = width - Right + 15;
            for (int r = 0; r < reports.Count; r++)
            {
                var (label, report) = reports[r];
                string dash = Dashes[r % Dashes.Length];
                string dashAttr = dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "";
                foreach (var attack in report.Attacks)
                {
                    string name = (label is null ? "" : label + " · ") + report.Label(attack);
                    legend.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(legendX)}\" y1=\"{N(legendY)}\" x2=\"{N(legendX + 25)}\" y2=\"{N(legendY)}\" stroke=\"{colors[(r, attack)]}\" stroke-width=\"2\"{dashAttr}/>\n");
                    legend.Append(CultureInfo.InvariantCulture, $"    <text x=\"{N(legendX + 31)}\" y=\"{N(legendY + 4)}\">{Escape(name)}</text>\n");
                    legendY += 20;
                }
                string cleanName = (label is null ? "" : label + " · ") + "clean " + Percent(report.CleanAccuracy);
                legend.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{N(legendX)}\" y1=\"{N(legendY)}\" x2=\"{N(legendX + 25)}\" y2=\"{N(legendY)}\" stroke=\"#888\"{(dash.Length > 0 ? dashAttr : " stroke-dasharray=\"4 4\"")}/>\n");
                legend.Append(CultureInfo.InvariantCulture, $"    <text x=\"{N(legendX + 31)}\" y=\"{N(legendY + 4)}\">{Escape(cleanName)}</text>\n");
                legendY += 26;
            }
            s.Append("  <g class=\"legend\">\n").Append(legend).Append("  </g>\n</svg>\n");
            return s.ToString();
        }

        /// <summary>A step of 1, 2 or 5 × 10ᵏ giving about <paramref name="ticks"/> intervals over <paramref name="range"/>.</summary>
        private static double NiceStep(double range, int ticks)
        {
            double raw = range / ticks, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw))), m = raw / magnitude;
            return (m <= 1 + 1e-6 ? 1 : m <= 2 + 1e-6 ? 2 : m <= 5 + 1e-6 ? 5 : 10) * magnitude;
        }

        private static string N(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);

        private static string Escape(string text) =>
            text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
                .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
    }
}
