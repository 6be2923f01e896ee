using System.Collections;
using System.Reflection;
using System.Runtime.InteropServices;
using Frost.Onnx.Proto;

namespace Frost.Onnx.Tests;

/// <summary>Deep structural equality of ONNX object models: every public property, plus field presence and kept unknown fields.</summary>
internal static class ProtoAssert
{
    public static void Equal(object expected, object actual) => Compare(expected, actual, expected.GetType().Name);

    private static void Compare(object? a, object? b, string path)
    {
        if (a is null || b is null)
        {
            Assert.True(a is null && b is null, $"{path}: one side is null");
            return;
        }

        Assert.True(a.GetType() == b.GetType(), $"{path}: {a.GetType().Name} vs {b.GetType().Name}");
        switch (a)
        {
            case string or long or int or Enum or bool:
                Assert.True(a.Equals(b), $"{path}: {a} vs {b}");
                return;
            case float f:
                Assert.True(BitConverter.SingleToInt32Bits(f) == BitConverter.SingleToInt32Bits((float)b), $"{path}: {f} vs {b}");
                return;
            case byte[] bytes:
                Assert.True(bytes.AsSpan().SequenceEqual((byte[])b), $"{path}: bytes differ");
                return;
            case ReadOnlyMemory<byte> mem:
                Assert.True(mem.Span.SequenceEqual(((ReadOnlyMemory<byte>)b).Span), $"{path}: bytes differ");
                return;
            case Presence p:
                Assert.True(p.Bits == ((Presence)b).Bits, $"{path}: presence {p.Bits:x} vs {((Presence)b).Bits:x}");
                return;
            case List<float> fl:
                Assert.True(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(fl)).SequenceEqual(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan((List<float>)b))), $"{path}: floats differ");
                return;
            case List<long> ll:
                Assert.True(CollectionsMarshal.AsSpan(ll).SequenceEqual(CollectionsMarshal.AsSpan((List<long>)b)), $"{path}: int64s differ");
                return;
            case List<int> il:
                Assert.True(CollectionsMarshal.AsSpan(il).SequenceEqual(CollectionsMarshal.AsSpan((List<int>)b)), $"{path}: int32s differ");
                return;
            case List<double> dl:
                Assert.True(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(dl)).SequenceEqual(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan((List<double>)b))), $"{path}: doubles differ");
                return;
            case IList list:
                var other = (IList)b;
                Assert.True(list.Count == other.Count, $"{path}: {list.Count} vs {other.Count} items");
                for (int i = 0; i < list.Count; i++)
                {
                    Compare(list[i], other[i], $"{path}[{i}]");
                }

                return;
        }

        var type = a.GetType();
        Assert.StartsWith("Frost.Onnx.Proto", type.Namespace);
        foreach (var prop in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (prop.GetIndexParameters().Length == 0)
            {
                Compare(prop.GetValue(a), prop.GetValue(b), $"{path}.{prop.Name}");
            }
        }

        foreach (var field in type.GetFields(BindingFlags.NonPublic | BindingFlags.Instance))
        {
            if (field.Name is "Presence" or "Unknown")
            {
                Compare(field.GetValue(a), field.GetValue(b), $"{path}.{field.Name}");
            }
        }
    }
}
