using Frost.Data;

namespace Frost.Cli.Commands;

/// <summary>Turns grayscale [N, 1, h, w] images in [0, 1] into the RGB 0..255 [N, 3, size, size] the pretrained network expects.</summary>
internal static class ImageInput
{
    public static Func<Tensor, Tensor> For(int size) => batch =>
    {
        var x = batch.Shape[2] == size && batch.Shape[3] == size ? batch : ImageOps.Resize(batch, size, size);
        if (x.Shape[1] == 1)
        {
            x = ImageOps.RepeatChannels(x, 3);
        }

        return Ops.Mul(x, 255f);
    };
}
