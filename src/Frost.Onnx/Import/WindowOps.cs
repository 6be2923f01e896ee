using Frost.Layers;

namespace Frost.Onnx.Import;

/// <summary>Handlers of the windowed ops over NCHW images: Conv, MaxPool, AveragePool, GlobalAveragePool.</summary>
internal static class WindowOps
{
    /// <summary>Conv (opsets 1, 11): 2-D, weights and bias from initializers; auto_pad NOTSET or VALID.</summary>
    public static NodePlan Conv(NodeContext n)
    {
        n.ExpectInputs(2, 3);
        n.ExpectOutputs(1, 1);
        var x = n.Input(0);
        var w = n.Weight(1, "weights");
        if (w.Dims.Count != 4)
        {
            throw w.Dims.Count is 3 or 5 && x.Rank is -1 or 3 or 5
                ? n.Unsupported($"is a {w.Dims.Count - 2}-D convolution (weights [{string.Join(",", w.Dims)}]); Frost imports 2-D convolutions")
                : n.Invalid($"has weights [{string.Join(",", w.Dims)}]; [M, C/group, kH, kW] expected");
        }

        long[] wd = [.. w.Dims];
        if (x.Rank >= 0 && x.Rank != 4)
        {
            throw n.Invalid($"gets input {OnnxText.Quote(n.Node.Input[0])} of type {x}, but weights [{string.Join(",", wd)}] need [N, C, H, W]");
        }

        if (wd.Any(d => d < 1))
        {
            throw n.Unsupported($"has empty weights [{string.Join(",", wd)}]");
        }

        var kernel = n.Ints("kernel_shape", 2, 1, int.MaxValue);
        if (kernel is not null && (kernel[0] != wd[2] || kernel[1] != wd[3]))
        {
            throw n.Invalid($"has kernel_shape [{string.Join(",", kernel)}] but weights [{string.Join(",", wd)}]");
        }

        long group = n.Int("group", 1, 1, int.MaxValue);
        long inChannels = wd[1] * group;
        if (inChannels > int.MaxValue || wd[0] % group != 0)
        {
            throw n.Invalid($"has group={group}, which does not divide the {wd[0]} output channels of weights [{string.Join(",", wd)}]");
        }

        if (x.Dim(1) >= 0 && x.Dim(1) != inChannels)
        {
            throw n.Invalid($"has weights [{string.Join(",", wd)}] with group={group}, for {inChannels} input channels, but its input {OnnxText.Quote(n.Node.Input[0])} is {x}");
        }

        var window = ReadWindow(n, [wd[2], wd[3]], allowDilations: true, poolRule: false);
        bool hasBias = n.Has(2);
        var bias = hasBias ? n.Weight(2, "bias") : null;
        if (bias is not null && (bias.Dims.Count != 1 || bias.Dims[0] != wd[0]))
        {
            throw n.Invalid($"has a bias [{string.Join(",", bias.Dims)}]; [{wd[0]}] expected");
        }

        var settings = window.Settings((int)group);
        var output = TensorInfo.Float(x.Dim(0), wd[0], window.OutSize(n, x.Dim(2), 0, ceil: false), window.OutSize(n, x.Dim(3), 1, ceil: false));
        return n.Layer("conv", output, () => NodeLayers.Conv(w, bias, settings));
    }

    /// <summary>MaxPool (opsets 1, 8, 10, 11, 12): 2-D, no dilation, no indices output.</summary>
    public static NodePlan MaxPool(NodeContext n)
    {
        n.ExpectInputs(1, 1);
        n.ExpectOutputs(1, n.Opset >= 8 ? 2 : 1);
        if (n.OutputUsed(1))
        {
            throw n.Unsupported("returns the indices of the maxima, which Frost does not compute");
        }

        if (n.Opset >= 8)
        {
            n.Int("storage_order", 0, 0, 1);
        }

        var (x, window, ceil) = ReadPool(n, dilations: n.Opset >= 10);
        var output = TensorInfo.Float(x.Dim(0), x.Dim(1), window.OutSize(n, x.Dim(2), 0, ceil), window.OutSize(n, x.Dim(3), 1, ceil));
        var settings = window.Settings(1);
        int kh = (int)window.Kernel[0], kw = (int)window.Kernel[1];
        return n.Layer("maxpool", output, () => new MaxPool2D(kh, kw, settings, ceil));
    }

    /// <summary>AveragePool (opsets 1, 7, 10, 11, 19): 2-D, no dilation.</summary>
    public static NodePlan AveragePool(NodeContext n)
    {
        n.ExpectInputs(1, 1);
        n.ExpectOutputs(1, 1);
        bool includePad = n.Opset >= 7 && n.Int("count_include_pad", 0, 0, 1) != 0;
        var (x, window, ceil) = ReadPool(n, dilations: n.Opset >= 19);
        var output = TensorInfo.Float(x.Dim(0), x.Dim(1), window.OutSize(n, x.Dim(2), 0, ceil), window.OutSize(n, x.Dim(3), 1, ceil));
        var settings = window.Settings(1);
        int kh = (int)window.Kernel[0], kw = (int)window.Kernel[1];
        return n.Layer("avgpool", output, () => new AvgPool2D(kh, kw, settings, includePad, ceil));
    }

    /// <summary>GlobalAveragePool (opset 1): the mean over H and W of NCHW input, [N, C, 1, 1].</summary>
    public static NodePlan GlobalAveragePool(NodeContext n)
    {
        n.ExpectInputs(1, 1);
        n.ExpectOutputs(1, 1);
        var x = n.Input(0);
        if (x.Rank >= 0 && x.Rank != 4)
        {
            throw x.Rank >= 3
                ? n.Unsupported($"gets a {x.Rank - 2}-D input {x}; Frost imports 2-D (NCHW) pooling")
                : n.Invalid($"gets input {OnnxText.Quote(n.Node.Input[0])} of type {x}; at least 3 axes expected");
        }

        return n.Step(TensorInfo.Float(x.Dim(0), x.Dim(1), 1, 1), a => Ops.GlobalAvgPool(a[0]!), (e, name, i) => [e.Node("GlobalAveragePool", name, [i[0]])]);
    }

    private static (TensorInfo X, Window Window, bool Ceil) ReadPool(NodeContext n, bool dilations)
    {
        var x = n.Input(0);
        var kernel = n.Ints("kernel_shape", -1, 1, int.MaxValue) ?? throw n.Invalid("attribute kernel_shape is required");
        if (kernel.Length != 2)
        {
            throw kernel.Length is 1 or 3 && x.Rank is -1 or 3 or 5
                ? n.Unsupported($"pools over {kernel.Length} axes; Frost imports 2-D (NCHW) pooling")
                : n.Invalid($"has kernel_shape [{string.Join(",", kernel)}] for input {x}");
        }

        if (x.Rank >= 0 && x.Rank != 4)
        {
            throw n.Invalid($"gets input {OnnxText.Quote(n.Node.Input[0])} of type {x}, but kernel_shape [{string.Join(",", kernel)}] needs [N, C, H, W]");
        }

        bool ceil = n.Opset >= 10 && n.Int("ceil_mode", 0, 0, 1) != 0;
        var window = ReadWindow(n, kernel, dilations, poolRule: true);
        return (x, window, ceil);
    }

    private static Window ReadWindow(NodeContext n, long[] kernel, bool allowDilations, bool poolRule)
    {
        string autoPad = n.Text("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER"))
        {
            throw n.Invalid($"has auto_pad={OnnxText.Quote(autoPad)}; NOTSET, VALID, SAME_UPPER or SAME_LOWER expected");
        }

        if (autoPad.StartsWith("SAME", StringComparison.Ordinal))
        {
            throw n.Unsupported($"uses auto_pad={autoPad}; Frost imports explicit pads");
        }

        var strides = n.Ints("strides", 2, 1, int.MaxValue) ?? [1, 1];
        long[] dilations = (allowDilations ? n.Ints("dilations", 2, 1, int.MaxValue) : null) ?? [1, 1];
        if (n.Node.OpType != "Conv" && dilations.Any(d => d != 1))
        {
            throw n.Unsupported($"uses dilations [{string.Join(",", dilations)}]; Frost pools without dilation");
        }

        long[] extent = [(dilations[0] * (kernel[0] - 1)) + 1, (dilations[1] * (kernel[1] - 1)) + 1];
        if (extent.Any(e => e > int.MaxValue))
        {
            throw n.Unsupported($"has a window of [{string.Join(",", extent)}] pixels");
        }

        var pads = n.Ints("pads", 4, 0, int.MaxValue);
        if (pads is not null && autoPad == "VALID")
        {
            throw n.Invalid("gives pads together with auto_pad=VALID");
        }

        pads ??= [0, 0, 0, 0];
        for (int i = 0; i < 4; i++)
        {
            if (pads[i] >= extent[i % 2])
            {
                // NOTE: ONNX Runtime rejects pooling pads that reach a whole window; for convolutions such padding
                // only adds outputs that see nothing but zeros, and bounding it bounds what a model can make us allocate.
                string text = $"has pads [{string.Join(",", pads)}], not all smaller than the window [{string.Join(",", extent)}]";
                throw poolRule ? n.Invalid(text) : n.Unsupported(text);
            }
        }

        return new Window(kernel, strides, pads, dilations, extent);
    }

    private sealed record Window(long[] Kernel, long[] Strides, long[] Pads, long[] Dilations, long[] Extent)
    {
        public Conv2DSettings Settings(int groups) => new(
            (int)Strides[0], (int)Strides[1], (int)Pads[0], (int)Pads[1], (int)Pads[2], (int)Pads[3], (int)Dilations[0], (int)Dilations[1], groups);

        /// <summary>The output size along spatial axis <paramref name="axis"/> for an input of <paramref name="size"/> (-1: unknown).</summary>
        public long OutSize(NodeContext n, long size, int axis, bool ceil)
        {
            if (size < 0)
            {
                return -1;
            }

            long span = size + Pads[axis] + Pads[axis + 2] - Extent[axis];
            if (span < 0)
            {
                throw n.Invalid($"has a window of {Extent[axis]} along axis {axis + 2}, larger than the input's {size} plus pads {Pads[axis]} and {Pads[axis + 2]}");
            }

            long stride = Strides[axis];
            long o = (ceil ? (span + stride - 1) / stride : span / stride) + 1;

            // NOTE: in ceil mode the last window must start inside the input or the leading padding (PyTorch's and ONNX Runtime's rule).
            if (ceil && (o - 1) * stride >= size + Pads[axis])
            {
                o--;
            }

            return o;
        }
    }
}
