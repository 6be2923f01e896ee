using Xunit.Abstractions;

namespace Frost.Onnx.Tests;

public class SummaryTests(ITestOutputHelper output)
{
    [Fact]
    public void ResNet18_summary_reads_well()
    {
        string text = TestFiles.ResNet18.Summarize().ToString();
        output.WriteLine(text);
        Assert.Contains("ir_version 3, opset ai.onnx v8, producer CNTK 2.6", text);
        Assert.Contains("74 nodes, 110 initializers, 15,908,800 parameters", text);
        Assert.Contains("Input247: float[1,3,224,224]", text);
        Assert.Contains("Pooling395_Output_0: float[1,512,1,1]", text);
        Assert.Matches(@"Conv\s+22", text);

        string withNodes = TestFiles.ResNet18.Summarize().Format(includeNodes: true);
        Assert.Contains("0 Conv Convolution249(Input247, Parameter91) -> (Convolution249_Output_0) {kernel_shape=[7,7], strides=[2,2]", withNodes);
    }

    [Fact]
    public void Inputs_exclude_initializers_and_custom_domains_are_named()
    {
        var model = SampleModels.Everything();
        model.Graph!.Input.Add(new Proto.ValueInfoProto("shape", Proto.OnnxDataType.Int64, 4));
        var summary = new OnnxModel(model).Summarize();
        Assert.Equal(["cond", "unknown_rank"], summary.Inputs.Select(v => v.Name));
        Assert.Equal(["If", "com.example.Thing"], summary.OpHistogram.Select(kv => kv.Key).Order());
        Assert.Equal(17, summary.OpsetVersion);
        Assert.Contains("cond: bool[batch,3,?]", summary.ToString());
        Assert.Contains("unknown_rank: float[unknown rank]", summary.ToString());
    }
}
