using System.Text.Json.Nodes;

namespace Frost.Bench;

/// <summary>
/// Which Frost.Bench row is compared with which reference row: the one place where the two programs' names for the same
/// shape and mode meet. Rows without a counterpart (Frost's 256-channel conv and small GEMMs, torch-peer's MLP, batch-8
/// transformer, dropout and partly frozen ResNet modes (b) and (d)) are left out rather than compared with something else.
/// </summary>
internal static class CompareRows
{
    private const string Torch = "libtorch";

    /// <summary>Section names of bench/compare.sh (Frost.Bench suites) → torch-peer's <c>--only</c> names.</summary>
    public static readonly IReadOnlyDictionary<string, string> TorchSections = new Dictionary<string, string>
    {
        ["gemm"] = "sgemm",
        ["conv"] = "conv",
        ["resnet"] = "resnet",
        ["transformer"] = "transformer",
    };

    public static IEnumerable<ComparedRow> All()
    {
        // SGEMM, row-major C = A·B into a preallocated C: Frost's (M, N, K) against torch-peer's addmm_ row (M, K, N).
        foreach (var (m, n, k, name) in new[]
        {
            (1024, 1024, 1024, "SGEMM 1024³"), (2048, 2048, 2048, "SGEMM 2048³"),
            (3136, 64, 576, "SGEMM 3136×64×576 (im2col 3×3 64ch 56²)"), (3136, 256, 64, "SGEMM 3136×256×64 (1×1 64→256 56²)"),
        })
        {
            bool Shape(JsonObject r) => Int(r, "m") == m && Int(r, "n") == n && Int(r, "k") == k;
            yield return new ComparedRow("gemm", name, $"{Torch} (MKL) addmm_", true,
                r => FrostRow(r.Frost("gemm", Shape), "gflops", x => x),
                r => TorchRow(r.Torch("gemm", c => IsAddmm(Cell(c, "op")) && Cell(c, "M") == $"{m}" && Cell(c, "K") == $"{k}" && Cell(c, "N") == $"{n}"),
                    "GFLOP/s", "bg other/steal"));
        }

        foreach (var (m, name) in new[] { (1024, "SGEMM 1024³"), (2048, "SGEMM 2048³") })
        {
            bool Shape(JsonObject r) => Int(r, "m") == m && Int(r, "n") == m && Int(r, "k") == m;
            yield return new ComparedRow("gemm", name, "OpenBLAS (Frost.Bench, same rounds)", true,
                r => FrostRow(r.Frost("gemm", Shape), "gflops", x => x),
                r => FrostRow(r.Frost("gemm", Shape), "openblas_gflops", _ => double.NaN));
        }

        // Conv 3×3 stride 1 pad 1, batch 16. Frost: forward, input gradient and weight + bias gradients timed one by one
        // and summed; libtorch: forward, then backward of the graph (dX and dW, no bias).
        foreach (var (frostName, c, hw) in new[] { ("64ch 56x56 3x3", 64, 56), ("128ch 28x28 3x3", 128, 28), ("512ch 7x7 3x3", 512, 7) })
        {
            bool Frost(JsonObject r) => Str(r, "name") == frostName;
            bool Ref(Dictionary<string, string> r) => Cell(r, "Cin→Cout") == $"{c}→{c}" && Cell(r, "HxW") == $"{hw}x{hw}";
            yield return new ComparedRow("conv", $"conv 3×3 b16 {c}ch {hw}² fwd", $"{Torch} (oneDNN)", false,
                r => FrostRow(r.Frost("conv", Frost), "fwd_ms", ms => Num(r.Frost("conv", Frost), "fwd_gflop") / ms * 1e3),
                r => TorchRow(r.Torch("conv", Ref), "fwd ms", "bg fwd / f+b", 0));
            yield return new ComparedRow("conv", $"conv 3×3 b16 {c}ch {hw}² fwd+bwd", $"{Torch} (oneDNN)", false,
                r => FrostRow(r.Frost("conv", Frost), "fwd_bwd_ms", ms => 3 * Num(r.Frost("conv", Frost), "fwd_gflop") / ms * 1e3),
                r => TorchRow(r.Torch("conv", Ref), "fwd+bwd ms", "bg fwd / f+b", 1));
        }

        // ResNet18, one SGD step (lr 0.01, momentum 0.9) or eval-mode inference. Frost's "stem..stage3 frozen" is torch-peer's
        // "(c) only layer4+fc trainable" (stem = conv1 + bn1, stage1..3 = layer1..3).
        foreach (var (batch, size) in new[] { (16, 224), (64, 64) })
        {
            foreach (var (frostMode, torchMode, name) in new[]
            {
                ("inference", "inference (no_grad)", "inference"),
                ("train step, all trainable", "(a) all trainable", "train step, all trainable"),
                ("train step, stem..stage3 frozen", "(c) only layer4+fc trainable", "train step, stem..stage3 frozen"),
            })
            {
                bool Frost(JsonObject r) => Str(r, "config") == $"batch {batch}, {size}x{size}" && Str(r, "mode") == frostMode;
                yield return new ComparedRow("resnet", $"ResNet18 b{batch}@{size} {name}", Torch, false,
                    r => FrostRow(r.Frost("resnet", Frost), "ms", _ => Num(r.Frost("resnet", Frost), "gflops")),
                    r => TorchRow(r.Torch("resnet", t => Cell(t, "input") == $"{batch}x3x{size}x{size}" && Cell(t, "mode") == torchMode),
                        "median ms/step", "bg other/steal"));
            }
        }

        // The pretrained ResNet18 (the package's ONNX feature extractor with its preprocessing): Frost's inference against ONNX
        // Runtime on the same network as Frost exports it, same images and threads, same process.
        foreach (var (batch, size) in new[] { (16, 224), (64, 64) })
        {
            bool Config(JsonObject x, string mode) => Str(x, "config") == $"batch {batch}, {size}x{size}" && Str(x, "mode") == mode;
            yield return new ComparedRow("resnet", $"pretrained ResNet18 b{batch}@{size} inference", "ONNX Runtime (Frost.Bench, same rounds)", false,
                r => FrostRow(r.Frost("resnet", x => Config(x, "pretrained ResNet18 inference")), "ms", _ =>
                    Num(r.Frost("resnet", x => Config(x, "pretrained ResNet18 inference")), "gflops")),
                r => FrostRow(r.Frost("resnet", x => Config(x, "pretrained ResNet18, ONNX Runtime")), "ms", _ => double.NaN));
        }

        // MiniLM-L6 shape, BertForSequenceClassification layout (pooler + 2-class head on [CLS]), batch 32 × 128, dropout 0,
        // AdamW (lr 5e-5, weight decay 0.01). "Head only" trains the pooler and the classifier in both programs.
        foreach (var (frostMode, torchMode, name) in new[]
        {
            ("inference", "inference (no_grad)", "inference"),
            ("train step, all trainable", "(a) all trainable", "train step, all trainable"),
            ("train step, emb + layers 0-3 frozen", "(b) emb + layers 0–3 frozen", "train step, emb + layers 0–3 frozen"),
            ("train step, head only", "(c) only head trainable", "train step, head only"),
        })
        {
            bool Frost(JsonObject r) => Str(r, "mode") == frostMode;
            yield return new ComparedRow("transformer", $"MiniLM b32×128 {name}", Torch, false,
                r => FrostRow(r.Frost("transformer", Frost), "ms", _ => Num(r.Frost("transformer", Frost), "gflops")),
                r => TorchRow(r.Torch("transformer", t => Cell(t, "input") == "32x128" && Cell(t, "mode") == torchMode),
                    "median ms/step", "bg other/steal"));
        }

        // ONNX Runtime on the real all-MiniLM-L6-v2 (pooled output, no 2-class head), same ids and threads, same process.
        yield return new ComparedRow("transformer", "MiniLM b32×128 inference", "ONNX Runtime (Frost.Bench, same rounds)", false,
            r => FrostRow(r.Frost("transformer", x => Str(x, "mode") == "inference"), "ms", _ =>
                Num(r.Frost("transformer", x => Str(x, "mode") == "inference"), "gflops")),
            r => FrostRow(r.Frost("transformer", x => Str(x, "mode") == "ONNX Runtime inference (real model)"), "ms", _ => double.NaN));
    }

    private static Figure? FrostRow(JsonObject? row, string key, Func<double, double> gflops)
    {
        double v = Num(row, key);
        if (row is null || !double.IsFinite(v) || v <= 0)
        {
            return null;
        }

        double bg = row["background"] is JsonObject b ? Num(b, "other_pct") + Num(b, "steal_pct") : double.NaN;
        return new Figure(v, bg, gflops(v));
    }

    private static Figure? TorchRow(Dictionary<string, string>? row, string column, string bgColumn, int bgPart = 0)
    {
        double v = MarkdownTables.Number(row is null ? null : Cell(row, column));
        return row is null || !double.IsFinite(v) || v <= 0
            ? null
            : new Figure(v, MarkdownTables.Background(Cell(row, bgColumn), bgPart));
    }

    /// <summary>torch-peer's addmm_ rows, "addmm_" or with a note, "addmm_ (im2col 3x3 64ch 56x56, batch 1)".</summary>
    private static bool IsAddmm(string? op) => op is not null && (op == "addmm_" || op.StartsWith("addmm_ (", StringComparison.Ordinal));

    private static string? Cell(Dictionary<string, string> row, string column) => row.TryGetValue(column, out string? v) ? v : null;

    private static double Num(JsonObject? row, string key) =>
        row?[key] is JsonValue v && v.TryGetValue(out double d) ? d : double.NaN;

    private static long Int(JsonObject row, string key) => row[key] is JsonValue v && v.TryGetValue(out long l) ? l : -1;

    private static string? Str(JsonObject row, string key) => row[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
