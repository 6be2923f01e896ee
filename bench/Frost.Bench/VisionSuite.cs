using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Frost.Vision;
using SkiaSharp;

namespace Frost.Bench;

/// <summary>
/// The image pipeline alone: <c>vision-images DIR [--count N]</c> writes N random 224×224 JPEGs in 10 class
/// folders; <c>vision DIR [--size S] [--workers W] [--batch B] [--prefetch P] [--recycle 0|1]</c> streams the folder through
/// <see cref="ImageBatchReader"/> for one augmented epoch and one evaluation epoch, reporting images/s and
/// the process's peak resident memory (VmHWM). Run each size in a fresh process so the peak is its own.
/// </summary>
internal static class VisionSuite
{
    public static int Run(string[] args, Report report, Func<string, int> usage)
    {
        if (args.Length < 2)
        {
            return usage("vision suites need a folder");
        }

        string dir = args[1];
        var opts = new Dictionary<string, int>
        {
            ["--count"] = 10_000,
            ["--size"] = 64,
            ["--workers"] = 2,
            ["--batch"] = 64,
            ["--prefetch"] = new ImagePipelineOptions().Prefetch,
            ["--recycle"] = 0,
        };
        for (int i = 2; i < args.Length; i++)
        {
            if (i + 1 < args.Length && opts.ContainsKey(args[i]) && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int v) && v >= (args[i] == "--recycle" ? 0 : 1))
            {
                opts[args[i++]] = v;
            }
            else if (args[i] == "--json" && i + 1 < args.Length)
            {
                i++; // handled by the caller
            }
            else
            {
                return usage($"unexpected argument '{args[i]}'");
            }
        }

        if (args[0] == "vision-images")
        {
            Generate(dir, opts["--count"]);
            return 0;
        }

        Stream(dir, opts["--size"], opts["--workers"], opts["--batch"], opts["--prefetch"], opts["--recycle"] != 0, report);
        return 0;
    }

    /// <summary>Photo-like random JPEGs (gradient, shapes, noise; quality 90), written in parallel, 10 classes.</summary>
    private static void Generate(string dir, int count)
    {
        const int Side = 224, Classes = 10;
        for (int c = 0; c < Classes; c++)
        {
            Directory.CreateDirectory(Path.Combine(dir, $"class{c}"));
        }

        var sw = Stopwatch.StartNew();
        long bytes = 0;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var rng = new Rng((ulong)i + 1);
            using var bmp = new SKBitmap(new SKImageInfo(Side, Side, SKColorType.Rgba8888, SKAlphaType.Opaque));
            using (var canvas = new SKCanvas(bmp))
            {
                SKColor Color() => new((byte)rng.NextInt(256), (byte)rng.NextInt(256), (byte)rng.NextInt(256));
                using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(Side, rng.NextInt(Side)), [Color(), Color()], SKShaderTileMode.Clamp);
                using var paint = new SKPaint { Shader = shader };
                canvas.DrawRect(0, 0, Side, Side, paint);
                using var shape = new SKPaint { IsAntialias = true };
                for (int k = 0; k < 6; k++)
                {
                    shape.Color = Color();
                    canvas.DrawCircle(rng.NextInt(Side), rng.NextInt(Side), 10 + rng.NextInt(60), shape);
                }
            }

            var px = bmp.GetPixelSpan();
            for (int p = 0; p < px.Length; p++)
            {
                if ((p & 3) != 3)
                {
                    px[p] = (byte)Math.Clamp(px[p] + rng.NextInt(17) - 8, 0, 255);
                }
            }

            using var data = bmp.Encode(SKEncodedImageFormat.Jpeg, 90);
            string path = Path.Combine(dir, $"class{i % Classes}", $"img{i:D6}.jpg");
            string tmp = path + ".tmp";
            File.WriteAllBytes(tmp, data.ToArray());
            File.Move(tmp, path, overwrite: true);
            Interlocked.Add(ref bytes, data.Size);
        });
        Console.WriteLine($"wrote {count} JPEGs ({Side}x{Side}, {bytes / (1024.0 * 1024.0):F1} MiB) to {dir} in {sw.Elapsed.TotalSeconds:F1} s");
    }

    private static void Stream(string dir, int size, int workers, int batch, int prefetch, bool recycle, Report report)
    {
        var sw = Stopwatch.StartNew();
        var folder = ImageFolder.Open(dir, new ImageFolderOptions { ValidationFraction = 0 });
        double listing = sw.Elapsed.TotalSeconds;
        var data = folder.Train;
        var reader = new ImageBatchReader(data, new ImagePipelineOptions { Size = size, Workers = workers, Prefetch = prefetch, RecycleBatches = recycle });
        Console.WriteLine($"Image pipeline alone: {data.Count} files in {data.ClassNames.Count} classes (listed in {listing:F2} s), output {size}x{size}, batch {batch}, workers {workers}, prefetch {prefetch}, recycled batches {(recycle ? "on" : "off")}.");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores; shared, so figures vary between runs.");
        var table = new Table("pass", "s", "images/s", "batches", "VmHWM after", "VmRSS after", "GC heap after", "gen2 GCs", "allocated");
        var order = new Rng(1).Permutation(data.Count);
        foreach (var (name, augment) in new[] { ("train (random resized crop + flip)", true), ("eval (centre crop)", false) })
        {
            GC.Collect();
            int gen2 = GC.CollectionCount(2);
            long allocated = GC.GetTotalAllocatedBytes();
            sw.Restart();
            int batches = 0, images = 0;
            double checksum = 0;
            foreach (var b in reader.Read(order, batch, augment))
            {
                batches++;
                images += b.Count;
                checksum += b.Images.AsReadOnlySpan()[^1];
            }

            double s = sw.Elapsed.TotalSeconds;
            long hwm = ProcessMemory.Read("VmHWM"), rss = ProcessMemory.Read("VmRSS");
            long heap = GC.GetGCMemoryInfo().HeapSizeBytes;
            gen2 = GC.CollectionCount(2) - gen2;
            allocated = GC.GetTotalAllocatedBytes() - allocated;
            table.Add(name, Table.F(s, 2), Table.F(images / s, 0), batches.ToString(CultureInfo.InvariantCulture), Table.Mib(hwm, 0), Table.Mib(rss, 0), Table.Mib(heap, 0), gen2.ToString(CultureInfo.InvariantCulture), Table.Mib(allocated, 0));
            report.AddRow("vision", new JsonObject
            {
                ["pass"] = name,
                ["size"] = size,
                ["workers"] = workers,
                ["batch"] = batch,
                ["prefetch"] = prefetch,
                ["recycle_batches"] = recycle,
                ["images"] = images,
                ["seconds"] = s,
                ["images_per_s"] = images / s,
                ["vm_hwm_bytes"] = hwm,
                ["vm_rss_bytes"] = rss,
                ["gc_heap_bytes"] = heap,
                ["gen2_collections"] = gen2,
                ["allocated_bytes"] = allocated,
                ["checksum"] = checksum,
            });
        }

        table.Print();
        report.Set("vision_listing_seconds", listing);
    }
}
