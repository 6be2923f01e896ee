using Frost.Training;

namespace Frost.Cli.Commands;

/// <summary>Writes the loss and accuracy curves of a run as a PNG.</summary>
internal static class TrainingPlot
{
    public static void Save(string path, IReadOnlyList<float> stepLosses, IReadOnlyList<EpochMetrics> epochs, int stepsPerEpoch, string title)
    {
        var plot = new ScottPlot.Plot();
        plot.Title(title);
        var steps = Enumerable.Range(1, stepLosses.Count).Select(i => (double)i / Math.Max(1, stepsPerEpoch)).ToArray();
        var loss = plot.Add.Scatter(steps, stepLosses.Select(l => (double)l).ToArray());
        loss.LegendText = "training loss (per batch)";
        loss.MarkerSize = 0;
        plot.Axes.Bottom.Label.Text = "epoch";
        plot.Axes.Left.Label.Text = "cross-entropy";

        var accX = epochs.Select(e => (double)e.Epoch).ToArray();
        var train = plot.Add.Scatter(accX, epochs.Select(e => 100.0 * e.TrainAccuracy).ToArray());
        train.LegendText = "train accuracy %";
        train.Axes.YAxis = plot.Axes.Right;
        if (epochs.All(e => e.Validation is not null))
        {
            var val = plot.Add.Scatter(accX, epochs.Select(e => 100.0 * e.Validation!.Accuracy).ToArray());
            val.LegendText = "validation accuracy % (inference mode)";
            val.Axes.YAxis = plot.Axes.Right;
        }

        plot.Axes.Right.Label.Text = "accuracy %";
        plot.ShowLegend(ScottPlot.Alignment.MiddleRight);
        var png = plot.GetImageBytes(900, 500, ScottPlot.ImageFormat.Png);
        Frost.IO.AtomicFile.Write(path, s => s.Write(png));
    }
}
