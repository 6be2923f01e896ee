using Frost.Training;

namespace Frost.Cli.Commands;

/// <summary>Writes the loss and accuracy curves of a run as a PNG.</summary>
internal static class TrainingPlot
{
    public static void Save(string path, IReadOnlyList<float> stepLosses, IReadOnlyList<EpochResult> epochs, int stepsPerEpoch, string title)
    {
        var plot = new ScottPlot.Plot();
        plot.Title(title);
        var steps = Enumerable.Range(1, stepLosses.Count).Select(i => (double)i / stepsPerEpoch).ToArray();
        var loss = plot.Add.Scatter(steps, stepLosses.Select(l => (double)l).ToArray());
        loss.LegendText = "training loss (per step)";
        loss.MarkerSize = 0;
        plot.Axes.Bottom.Label.Text = "epoch";
        plot.Axes.Left.Label.Text = "cross-entropy";

        var accX = epochs.Select(e => (double)e.Epoch).ToArray();
        var train = plot.Add.Scatter(accX, epochs.Select(e => 100.0 * e.TrainAccuracy).ToArray());
        train.LegendText = "train accuracy %";
        train.Axes.YAxis = plot.Axes.Right;
        var test = plot.Add.Scatter(accX, epochs.Select(e => 100.0 * (e.TestAccuracy ?? 0)).ToArray());
        test.LegendText = "test accuracy %";
        test.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "accuracy %";
        plot.ShowLegend(ScottPlot.Alignment.MiddleRight);
        var png = plot.GetImageBytes(900, 500, ScottPlot.ImageFormat.Png);
        Frost.IO.AtomicFile.Write(path, s => s.Write(png));
    }
}
