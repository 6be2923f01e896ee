namespace Frost.Vision.Tests;

public sealed class AugmentationTests
{
    [Fact]
    public void Random_resized_crop_boxes_respect_the_scale_and_ratio_ranges()
    {
        var rng = new Rng(5);
        int fallbacks = 0;
        for (int i = 0; i < 2000; i++)
        {
            int w = 20 + rng.NextInt(300), h = 20 + rng.NextInt(300);
            var box = ExampleTransform.RandomResizedCrop(w, h, (0.08, 1.0), (3.0 / 4, 4.0 / 3), rng);
            Assert.True(box.Left >= 0 && box.Top >= 0 && box.Left + box.Width <= w && box.Top + box.Height <= h, $"{box} outside {w}x{h}");
            Assert.Equal(Math.Round(box.Width), box.Width);
            double area = box.Width * box.Height / (w * h), ratio = box.Width / box.Height;
            if (area > 1.0 - 1e-9 || ratio < 0.7 || ratio > 1.4)
            {
                fallbacks++; // the central crop after ten misses
                continue;
            }

            // Rounding the side lengths to whole pixels moves area and ratio slightly outside the ranges.
            Assert.InRange(area, 0.08 * 0.8, 1.0);
            Assert.InRange(ratio, 0.75 * 0.9, 4.0 / 3 * 1.1);
        }

        Assert.True(fallbacks < 200, $"{fallbacks} fallbacks");
    }

    [Fact]
    public void Random_resized_crop_falls_back_to_a_central_crop_of_the_clamped_ratio()
    {
        // A 1000x10 strip cannot hold a box of ratio <= 4/3 with 8 % of its area: the fallback is 13x10, centred.
        var box = ExampleTransform.RandomResizedCrop(1000, 10, (0.5, 1.0), (3.0 / 4, 4.0 / 3), new Rng(1));
        Assert.Equal(new ExampleTransform.Box(493, 0, 13, 10), box);
    }

    [Fact]
    public void Example_draws_depend_only_on_seed_epoch_and_index()
    {
        ulong Draw(ulong seed, int epoch, int index) => ExampleTransform.ExampleRng(seed, epoch, index).NextUInt64();
        Assert.Equal(Draw(1, 2, 3), Draw(1, 2, 3));
        var all = new HashSet<ulong>();
        for (int e = 0; e < 4; e++)
        {
            for (int i = 0; i < 50; i++)
            {
                Assert.True(all.Add(Draw(1, e, i)));
                Assert.True(all.Add(Draw(2, e, i)));
            }
        }
    }

    [Fact]
    public void Flip_mirrors_the_evaluation_image()
    {
        var data = new InMemoryImages(Tensor.Wrap(Enumerable.Range(0, 3 * 6 * 6).Select(i => (float)i).ToArray(), 1, 3, 6, 6), [0], ["a"]);
        var o = new ImagePipelineOptions { Size = 6, Workers = 1 };
        var plain = new ImageBatchReader(data, o).ReadExample(0, augment: true).ToArray();
        var flipped = new ImageBatchReader(data, o with { Augmentation = ImageAugmentation.None with { FlipProbability = 1 } }).ReadExample(0, augment: true).ToArray();
        Assert.Equal(Enumerable.Range(0, 3 * 6 * 6).Select(i => (float)i), new ImageBatchReader(data, o).ReadExample(0).ToArray());
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < 6; y++)
            {
                for (int x = 0; x < 6; x++)
                {
                    Assert.Equal(c * 36 + y * 6 + (5 - x), flipped[c * 36 + y * 6 + x]);
                }
            }
        }

        Assert.NotEqual(plain, flipped);
    }

    [Fact]
    public void Grey_in_memory_images_become_rgb_on_the_255_scale()
    {
        var grey = Tensor.Wrap([0f, 0.5f, 1f, 0.25f], 1, 1, 2, 2);
        var t = new ImageBatchReader(new InMemoryImages(grey, [0], ["a"], scale: 255), new() { Size = 2 }).ReadExample(0).ToArray();
        float[] plane = [0f, 127.5f, 255f, 63.75f];
        Assert.Equal([.. plane, .. plane, .. plane], t);
        Assert.Throws<ArgumentException>(() => new InMemoryImages(Tensor.Wrap([float.NaN], 1, 1, 1, 1), [0], ["a"]));
        Assert.Throws<ArgumentException>(() => new InMemoryImages(Tensor.Wrap(new float[8], 1, 2, 2, 2), [0], ["a"]));
    }

    [Fact]
    public void Hue_turns_a_third_of_a_circle_from_red_to_green()
    {
        var jitter = Jitter(hue: 1f / 3);
        float[] px = [255, 0, 0, 100, 200, 50]; // planes of two pixels: (255,100) (0,200) (0,50)
        float[] image = [px[0], px[3], px[1], px[4], px[2], px[5]];
        jitter.Apply(image, 2);
        Assert.Equal(0, image[0], 1e-3);
        Assert.Equal(255, image[2], 1e-3);
        Assert.Equal(0, image[4], 1e-3);
        Assert.All(image, v => Assert.InRange(v, 0f, 255f));
    }

    [Fact]
    public void Brightness_contrast_and_saturation_follow_torchvision()
    {
        float[] image = [200, 10, 100, 30, 50, 90]; // pixels (200,100,50) and (10,30,90)
        float Grey(int i) => 0.2989f * image[i] + 0.587f * image[2 + i] + 0.114f * image[4 + i];

        var b = (float[])image.Clone();
        Jitter(brightness: 1.5f).Apply(b, 2);
        Assert.Equal([255, 15, 150, 45, 75, 135], b); // 200 * 1.5 clamps to 255

        var s = (float[])image.Clone();
        Jitter(saturation: 0f).Apply(s, 2);
        Assert.Equal(Grey(0), s[0], 1e-3);
        Assert.Equal(Grey(0), s[2], 1e-3);
        Assert.Equal(Grey(1), s[5], 1e-3);

        var c = (float[])image.Clone();
        Jitter(contrast: 0f).Apply(c, 2);
        float mean = (Grey(0) + Grey(1)) / 2;
        Assert.All(c, v => Assert.Equal(mean, v, 1e-3));
    }

    private static ColorJitter Jitter(float brightness = 1, float contrast = 1, float saturation = 1, float hue = 0)
        => ColorJitter.Create([0, 1, 2, 3], brightness, contrast, saturation, hue);
}
