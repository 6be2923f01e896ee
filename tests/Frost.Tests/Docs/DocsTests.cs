using System.Text.RegularExpressions;
using Frost.TestKit;

namespace Frost.Tests.Docs;

/// <summary>Checks that each code example in the guides is the verbatim text of a region of a compiled test.</summary>
public partial class DocsTests
{
    [Theory]
    [InlineData("docs/freezing.md", "tests/Frost.Tests/Docs/FreezingGuideExamples.cs")]
    [InlineData("docs/fine-tuning.md", "tests/Frost.Tests/Docs/FineTuningGuideExamples.cs")]
    [InlineData("docs/adapters.md", "tests/Frost.Tests/Docs/AdaptersGuideExamples.cs")]
    public void Guide_examples_are_compiled_test_code(string guide, string source)
    {
        string doc = File.ReadAllText(Repo.File(guide.Split('/')));
        string code = File.ReadAllText(Repo.File(source.Split('/')));
        var regions = RegionPattern().Matches(code).ToDictionary(m => m.Groups[1].Value, m => Normalize(m.Groups[2].Value));
        var examples = ExamplePattern().Matches(doc).ToList();
        Assert.NotEmpty(examples);
        foreach (Match m in examples)
        {
            string name = m.Groups[1].Value;
            Assert.True(regions.ContainsKey(name), $"{guide}: example '{name}' has no region in {source}");
            Assert.Equal(regions[name], Normalize(m.Groups[2].Value));
        }

        Assert.Equal(regions.Keys.Order(), examples.Select(m => m.Groups[1].Value).Order());
    }

    private static string Normalize(string block)
    {
        var lines = block.Replace("\r", "", StringComparison.Ordinal).Split('\n').Where(l => l.Trim().Length > 0).ToList();
        int indent = lines.Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l[indent..].TrimEnd()));
    }

    [GeneratedRegex(@"#region example: (\S+)\n(.*?)\n\s*#endregion", RegexOptions.Singleline)]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"<!-- example: (\S+) -->\s*```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExamplePattern();
}
