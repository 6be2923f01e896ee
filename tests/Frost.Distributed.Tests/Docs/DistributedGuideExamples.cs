using Frost.Optimizers;
using Frost.TestKit;

namespace Frost.Distributed.Tests.Docs;

/// <summary>The examples of docs/distributed.md, compiled and run (on one local rank).</summary>
public class DistributedGuideExamples
{
    [Fact]
    public void Data_parallel_training_loop_runs_on_one_rank()
    {
        var model = new Worker.TinyModel(seed: 8);
        Variable[] variables = model.All;
        Variable[] trainable = model.BackwardOrder;
        int sampleCount = Worker.TinyModel.Samples, batch = 8, epochs = 2;
        const ulong Seed = 42;
        Tensor Loss(int[] samples) => model.Loss(samples);
        var options = new CommunicatorOptions { Backend = CommunicatorBackend.Local };

        #region example: training-loop
        using var communicator = Communicator.Initialize(options); // rank 0 of 1 without mpirun
        communicator.BroadcastVariables(variables);                // rank 0's initial weights everywhere
        using var reducer = new GradientBucketReducer(communicator);
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            // This rank's share of the samples, reshuffled every epoch; every rank runs the same steps.
            int[] order = Sharding.ShardedOrder(sampleCount, communicator.Rank, communicator.Size, Seed, epoch);
            for (int start = 0; start + batch <= order.Length; start += batch)
            {
                using var tape = new GradientTape();
                var loss = Loss(order[start..(start + batch)]);
                var grads = sgd.ComputeGradients(loss, trainable);
                foreach (var (variable, gradient) in grads)
                {
                    reducer.Add(variable, gradient); // as each gradient is ready
                }

                reducer.Complete();                  // gradients now hold the average over the ranks
                sgd.ApplyGradients(grads);
            }
        }
        #endregion

        Assert.Contains(model.B2.Value.ToArray(), x => x != 0f);
        Assert.Equal(2 * (sampleCount / batch), reducer.Steps);
    }

    [Theory]
    [InlineData("docs/distributed.md")]
    public void Guide_examples_are_this_file_s_regions(string guide)
    {
        string doc = File.ReadAllText(Repo.File(guide.Split('/')));
        string code = File.ReadAllText(Repo.File("tests", "Frost.Distributed.Tests", "Docs", "DistributedGuideExamples.cs"));
        var regions = System.Text.RegularExpressions.Regex.Matches(code, @"#region example: (\S+)\n(.*?)\n\s*#endregion", System.Text.RegularExpressions.RegexOptions.Singleline)
            .ToDictionary(m => m.Groups[1].Value, m => Normalize(m.Groups[2].Value));
        var examples = System.Text.RegularExpressions.Regex.Matches(doc, @"<!-- example: (\S+) -->\s*```csharp\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.NotEmpty(examples);
        foreach (System.Text.RegularExpressions.Match m in examples)
        {
            Assert.True(regions.TryGetValue(m.Groups[1].Value, out string? region), $"{guide}: example '{m.Groups[1].Value}' has no region");
            Assert.Equal(region, Normalize(m.Groups[2].Value));
        }
    }

    private static string Normalize(string block)
    {
        var lines = block.Replace("\r", "", StringComparison.Ordinal).Split('\n').Where(l => l.Trim().Length > 0).ToList();
        int indent = lines.Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l[indent..].TrimEnd()));
    }
}
