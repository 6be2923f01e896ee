using Frost.Training;

namespace Frost.Cli.Commands;

/// <summary>Writes a confusion matrix as a PNG heat map: actual classes down, predicted classes across, with their names.</summary>
internal static class ConfusionPlot
{
    /// <summary>Most classes drawn with a count in each cell.</summary>
    private const int MaxAnnotated = 30;

    public static void Save(string path, ClassificationMetrics m, string title)
    {
        int n = m.ClassNames.Count;
        var share = new double[n, n];
        for (int a = 0; a < n; a++)
        {
            long support = m.Support(a);
            for (int p = 0; p < n; p++)
            {
                share[a, p] = support == 0 ? 0 : (double)m.Confusion(a, p) / support;
            }
        }

        var plot = new ScottPlot.Plot();
        plot.Title(title);
        var heat = plot.Add.Heatmap(share);
        heat.Colormap = new WhiteToBlue();
        heat.Rectangle = new ScottPlot.CoordinateRect(0, n, 0, n);
        heat.ManualRange = new ScottPlot.Range(0, 1);
        var bar = plot.Add.ColorBar(heat);
        bar.Label = "share of the actual class";
        if (n <= MaxAnnotated)
        {
            for (int a = 0; a < n; a++)
            {
                for (int p = 0; p < n; p++)
                {
                    var text = plot.Add.Text($"{m.Confusion(a, p)}", p + 0.5, n - a - 0.5);
                    text.LabelAlignment = ScottPlot.Alignment.MiddleCenter;
                    text.LabelFontSize = n <= 10 ? 14 : 9;
                    text.LabelFontColor = share[a, p] > 0.5 ? ScottPlot.Colors.White : ScottPlot.Colors.Black;
                }
            }
        }

        double[] centres = [.. Enumerable.Range(0, n).Select(i => i + 0.5)];
        string[] names = [.. m.ClassNames];
        plot.Axes.Bottom.SetTicks(centres, names);
        plot.Axes.Bottom.TickLabelStyle.Rotation = n > 4 ? -45 : 0;
        plot.Axes.Bottom.TickLabelStyle.Alignment = n > 4 ? ScottPlot.Alignment.MiddleRight : ScottPlot.Alignment.UpperCenter;
        plot.Axes.Left.SetTicks([.. centres.Select(c => n - c)], names);
        plot.Axes.Bottom.Label.Text = "predicted";
        plot.Axes.Left.Label.Text = "actual";
        plot.Axes.SetLimits(0, n, 0, n);
        int side = Math.Clamp(300 + (n * 40), 600, 2400);
        var png = plot.GetImageBytes(side + 150, side, ScottPlot.ImageFormat.Png);
        Frost.IO.AtomicFile.Write(path, s => s.Write(png));
    }

    /// <summary>White for 0 to dark blue for 1, so empty cells are blank and the diagonal stands out.</summary>
    private sealed class WhiteToBlue : ScottPlot.IColormap
    {
        public string Name => "white to blue";

        public ScottPlot.Color GetColor(double position)
        {
            double t = double.IsFinite(position) ? Math.Clamp(position, 0, 1) : 0;
            static byte Mix(byte from, byte to, double t) => (byte)Math.Round(from + ((to - from) * t));
            return new ScottPlot.Color(Mix(255, 8, t), Mix(255, 48, t), Mix(255, 107, t));
        }
    }
}
