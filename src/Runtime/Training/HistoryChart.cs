using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Axon.Training;

/// <summary>
/// Draws training curves as a self-contained SVG: a loss panel (training and validation loss per epoch) and, when the model has
/// an accuracy, an accuracy panel beside it. Axes are labelled with "nice" ticks; NaN points (no validation) are left out.
/// </summary>
internal static class HistoryChart
{
    private const int PanelWidth = 420, PanelHeight = 300, Left = 60, Right = 16, Top = 36, Bottom = 44;
    private const string TrainColor = "#1f77b4", ValidationColor = "#ff7f0e";

    public static string Svg(IReadOnlyList<EpochResult> epochs, string title)
    {
        bool accuracy = false, mae = false;
        foreach (var e in epochs)
        {
            accuracy |= double.IsFinite(e.TrainAccuracy) || double.IsFinite(e.ValidationAccuracy);
            mae |= double.IsFinite(e.TrainMeanAbsoluteError) || double.IsFinite(e.ValidationMeanAbsoluteError);
        }
        int panels = accuracy || mae ? 2 : 1, width = panels * PanelWidth;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{PanelHeight + 20}\" viewBox=\"0 0 {width} {PanelHeight + 20}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<title>{Escape(title)}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        Panel(sb, epochs, 0, "Loss", e => e.TrainLoss, e => e.ValidationLoss);
        if (accuracy) Panel(sb, epochs, PanelWidth, "Accuracy", e => e.TrainAccuracy, e => e.ValidationAccuracy);
        else if (mae) Panel(sb, epochs, PanelWidth, "Mean absolute error", e => e.TrainMeanAbsoluteError, e => e.ValidationMeanAbsoluteError);
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{PanelHeight + 14}\" fill=\"{TrainColor}\">━ training</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 90}\" y=\"{PanelHeight + 14}\" fill=\"{ValidationColor}\">━ validation</text>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static void Panel(StringBuilder sb, IReadOnlyList<EpochResult> epochs, int x0, string name, Func<EpochResult, double> train, Func<EpochResult, double> validation)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var e in epochs)
            foreach (double v in (ReadOnlySpan<double>)[train(e), validation(e)])
                if (double.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (!double.IsFinite(lo)) { lo = 0; hi = 1; }
        if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
        var ticks = NiceTicks(lo, hi, 5);
        lo = Math.Min(lo, ticks[0]);
        hi = Math.Max(hi, ticks[^1]);
        int first = epochs.Count > 0 ? epochs[0].Epoch : 1, last = epochs.Count > 0 ? epochs[^1].Epoch : 1;
        double plotW = PanelWidth - Left - Right, plotH = PanelHeight - Top - Bottom;
        double X(double epoch) => x0 + Left + (last == first ? plotW / 2 : (epoch - first) / (last - first) * plotW);
        double Y(double v) => Top + (hi - v) / (hi - lo) * plotH;

        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + Left}\" y=\"20\" font-size=\"13\" font-weight=\"bold\">{name}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x0 + Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#888\"/>\n");
        foreach (double t in ticks)
        {
            if (t < lo - 1e-12 || t > hi + 1e-12) continue;
            string y = F(Y(t));
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0 + Left}\" y1=\"{y}\" x2=\"{F(x0 + Left + plotW)}\" y2=\"{y}\" stroke=\"#e5e5e5\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + Left - 6}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"middle\">{t.ToString("G4", CultureInfo.InvariantCulture)}</text>\n");
        }
        int step = Math.Max(1, (int)Math.Ceiling((last - first + 1) / 10.0));
        for (int epoch = first; epoch <= last; epoch += step)
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(epoch))}\" y=\"{PanelHeight - Bottom + 16}\" text-anchor=\"middle\">{epoch}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x0 + Left + plotW / 2)}\" y=\"{PanelHeight - 8}\" text-anchor=\"middle\">epoch</text>\n");
        Line(sb, epochs, train, X, Y, TrainColor);
        Line(sb, epochs, validation, X, Y, ValidationColor);
    }

    private static void Line(StringBuilder sb, IReadOnlyList<EpochResult> epochs, Func<EpochResult, double> value, Func<double, double> x, Func<double, double> y, string color)
    {
        var points = new StringBuilder();
        foreach (var e in epochs)
        {
            double v = value(e);
            if (!double.IsFinite(v)) continue;
            points.Append(F(x(e.Epoch))).Append(',').Append(F(y(v))).Append(' ');
            sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(x(e.Epoch))}\" cy=\"{F(y(v))}\" r=\"2.5\" fill=\"{color}\"/>\n");
        }
        if (points.Length > 0)
            sb.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{points.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"/>\n");
    }

    /// <summary>Ticks at 1, 2 or 5 × 10^k covering [lo, hi] with about <paramref name="count"/> intervals.</summary>
    internal static double[] NiceTicks(double lo, double hi, int count)
    {
        double raw = (hi - lo) / count, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw))), r = raw / magnitude;
        double step = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * magnitude;
        double start = Math.Floor(lo / step) * step, end = Math.Ceiling(hi / step) * step;
        var ticks = new List<double>();
        for (double t = start; t <= end + step / 2; t += step) ticks.Add(Math.Round(t / step) * step);
        return ticks.ToArray();
    }

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
