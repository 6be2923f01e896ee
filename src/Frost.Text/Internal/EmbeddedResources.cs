using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Frost.Text.Internal;

/// <summary>Where one embedded manifest resource lies in an assembly file.</summary>
/// <param name="Name">The manifest resource name.</param>
/// <param name="Offset">File offset of the first byte of the resource data (after its length prefix).</param>
/// <param name="Length">Length of the resource data in bytes.</param>
internal readonly record struct EmbeddedResource(string Name, long Offset, long Length);

/// <summary>
/// Reads the embedded manifest resources of a .NET assembly file as data, without loading the assembly: the PE
/// headers and metadata tables are parsed with System.Reflection.Metadata, and every offset and length is checked
/// against the resources section and the file before anything is read.
/// </summary>
internal static class EmbeddedResources
{
    /// <summary>The embedded resources of the assembly at <paramref name="path"/>, in metadata order.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a .NET assembly, or a resource lies outside its section.</exception>
    public static IReadOnlyList<EmbeddedResource> List(string path)
    {
        using var file = OpenFile(path);
        return List(file, path);
    }

    /// <summary>
    /// Opens the embedded resource <paramref name="name"/> of the assembly at <paramref name="path"/> as a read-only,
    /// seekable stream over the file (nothing is loaded into memory up front).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or has no such resource; the message lists those it has.</exception>
    public static Stream Open(string path, string name)
    {
        var file = OpenFile(path);
        try
        {
            var resources = List(file, path);
            foreach (var r in resources)
            {
                if (r.Name == name)
                {
                    return new FileSegmentStream(file, r.Offset, r.Length);
                }
            }

            string names = resources.Count == 0 ? "none" : string.Join(", ", resources.Select(r => r.Name));
            throw new InvalidDataException($"{path}: no embedded resource '{name}' (it has: {names}).");
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static FileStream OpenFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Assembly not found: {path}", path);
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, FileOptions.RandomAccess);
    }

    private static List<EmbeddedResource> List(FileStream file, string path)
    {
        long fileLength = file.Length;
        int sectionOffset;
        int sectionSize;
        var found = new List<(string Name, long Offset)>();
        try
        {
            using var pe = new PEReader(file, PEStreamOptions.LeaveOpen);
            var headers = pe.PEHeaders;
            if (headers.CorHeader is null || !pe.HasMetadata)
            {
                throw new InvalidDataException($"{path}: not a .NET assembly (no CLI header).");
            }

            var directory = headers.CorHeader.ResourcesDirectory;
            sectionSize = directory.Size;
            sectionOffset = 0;
            if (directory.Size != 0 && !headers.TryGetDirectoryOffset(directory, out sectionOffset))
            {
                throw new InvalidDataException($"{path}: the resources directory (RVA 0x{directory.RelativeVirtualAddress:X}) lies in no section.");
            }

            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.ManifestResources)
            {
                var resource = metadata.GetManifestResource(handle);
                if (resource.Implementation.IsNil)
                {
                    found.Add((metadata.GetString(resource.Name), resource.Offset));
                }
            }
        }
        catch (BadImageFormatException e)
        {
            throw new InvalidDataException($"{path}: not a readable .NET assembly ({e.Message.TrimEnd('.')}).", e);
        }

        if (sectionOffset < 0 || sectionSize < 0 || (long)sectionOffset + sectionSize > fileLength)
        {
            throw new InvalidDataException(
                $"{path}: the resources section ({sectionSize} bytes at file offset {sectionOffset}) runs past the end of the file ({fileLength} bytes).");
        }

        var result = new List<EmbeddedResource>(found.Count);
        Span<byte> prefix = stackalloc byte[4];
        foreach (var (name, offset) in found)
        {
            // Each resource is a 4-byte little-endian length followed by the data, at its offset in the section.
            if (offset < 0 || offset > sectionSize - 4L)
            {
                throw new InvalidDataException(
                    $"{path}: embedded resource '{name}' starts at offset {offset}, outside the resources section ({sectionSize} bytes).");
            }

            file.Position = sectionOffset + offset;
            file.ReadExactly(prefix);
            long length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
            if (length > sectionSize - offset - 4)
            {
                throw new InvalidDataException(
                    $"{path}: embedded resource '{name}' claims {length} bytes at offset {offset}, past the end of the resources section ({sectionSize} bytes).");
            }

            result.Add(new EmbeddedResource(name, sectionOffset + offset + 4, length));
        }

        return result;
    }
}
