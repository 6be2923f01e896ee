namespace Frost.Layers;

/// <summary>A small convolutional classifier for 28×28-class images (Fashion-MNIST, MNIST).</summary>
public static class SimpleCnn
{
    /// <summary>
    /// Two blocks of 3×3 convolution, batch norm, ReLU and 2×2 max pooling (<paramref name="width"/> and
    /// 2·<paramref name="width"/> channels), then dropout and a dense layer: <c>block1</c>, <c>block2</c>,
    /// <c>head</c>.
    /// </summary>
    public static Sequential Build(int inChannels, int imageSize, int classes, Rng rng, int width = 32)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int side = imageSize / 4;
        return new Sequential(
            new Sequential("block1", new Conv2D(inChannels, width, 3, rng, padding: 1, useBias: false, name: "conv"), new BatchNorm2D(width, name: "bn"), new Relu(), new MaxPool2D(2, 2, name: "pool")),
            new Sequential("block2", new Conv2D(width, 2 * width, 3, rng, padding: 1, useBias: false, name: "conv"), new BatchNorm2D(2 * width, name: "bn"), new Relu(), new MaxPool2D(2, 2, name: "pool")),
            new Sequential("head", new Flatten(), new Dropout(0.3f, rng), new Dense(2 * width * side * side, classes, rng, name: "fc")));
    }
}
