namespace Frost.Layers;

/// <summary>
/// Builds basic-block ResNets with readable names: <c>stem/conv</c>, <c>stem/bn</c>, <c>stage1/block0/conv1</c>,
/// <c>stage2/block0/downsample/bn</c>, <c>head/fc</c>.
/// </summary>
public static class ResNet
{
    /// <summary>
    /// A ResNet with the given number of basic blocks per stage (torchvision's ResNet-18 is [2, 2, 2, 2]):
    /// a 7×7 stride-2 stem with max pooling, stages of doubling width (the first block of stages 2 and up has
    /// stride 2), global average pooling and a dense head of <paramref name="classes"/> outputs.
    /// </summary>
    public static Sequential Build(int[] blocksPerStage, int classes, Rng rng, int inChannels = 3, int width = 64)
    {
        ArgumentNullException.ThrowIfNull(blocksPerStage);
        ArgumentNullException.ThrowIfNull(rng);
        if (blocksPerStage.Length == 0 || blocksPerStage.Any(b => b < 1))
        {
            throw new ArgumentException("ResNet: every stage needs at least one block.", nameof(blocksPerStage));
        }

        var model = new Sequential();
        model.Add(Stem(inChannels, width, rng), "stem");
        int channels = width;
        for (int s = 0; s < blocksPerStage.Length; s++)
        {
            int outChannels = width << s;
            var stage = new Sequential();
            for (int b = 0; b < blocksPerStage[s]; b++)
            {
                stage.Add(new BasicBlock(channels, outChannels, b == 0 && s > 0 ? 2 : 1, rng), $"block{b}");
                channels = outChannels;
            }

            model.Add(stage, $"stage{s + 1}");
        }

        model.Add(new Sequential(new GlobalAvgPool(name: "pool"), new Dense(channels, classes, rng, name: "fc")), "head");
        return model;
    }

    /// <summary>torchvision's ResNet-18 layout ([2, 2, 2, 2]).</summary>
    public static Sequential ResNet18(int classes, Rng rng) => Build([2, 2, 2, 2], classes, rng);

    private static Sequential Stem(int inChannels, int width, Rng rng) => new(
        new Conv2D(inChannels, width, 7, rng, stride: 2, padding: 3, useBias: false, name: "conv"),
        new BatchNorm2D(width, name: "bn"),
        new Relu(name: "relu"),
        new MaxPool2D(3, 2, 1, name: "pool"));
}
