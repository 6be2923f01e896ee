namespace Frost.Operations;

public static partial class Ops
{
    /// <summary>
    /// The same elements viewed with another shape (no copy). One dimension may be −1 and is inferred.
    /// </summary>
    /// <exception cref="ArgumentException">The element counts differ, or more than one −1 is given.</exception>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        var dims = (int[])shape.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == -1)
            {
                if (infer >= 0)
                {
                    throw new ArgumentException($"Reshape: only one dimension may be -1, got [{string.Join(", ", shape)}].");
                }

                infer = i;
            }
            else if (dims[i] < 0)
            {
                throw new ArgumentException($"Reshape: invalid dimension {dims[i]} in [{string.Join(", ", shape)}].");
            }
            else
            {
                known *= dims[i];
            }
        }

        if (infer >= 0)
        {
            if (known == 0 || x.Size % known != 0)
            {
                throw new ArgumentException($"Reshape: cannot infer -1 reshaping {x.Shape} ({x.Size} elements) to [{string.Join(", ", shape)}].");
            }

            dims[infer] = (int)(x.Size / known);
            known *= dims[infer];
        }

        if (known != x.Size)
        {
            throw new ArgumentException($"Reshape: cannot reshape {x.Shape} ({x.Size} elements) to [{string.Join(", ", shape)}] ({known} elements).");
        }

        return View("Reshape", x, new Shape(dims));
    }

    /// <summary>Collapses axes from <paramref name="startAxis"/> on into one: [N, C, H, W] → [N, C·H·W].</summary>
    public static Tensor Flatten(Tensor x, int startAxis = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = startAxis == x.Rank ? x.Rank : x.Shape.NormalizeAxis(startAxis, "Flatten");
        var dims = x.Shape.Dims[..a].ToArray().Append(x.Shape.Product(a, x.Rank)).ToArray();
        return View("Flatten", x, new Shape(dims));
    }

    /// <summary>Inserts an axis of size 1 at <paramref name="axis"/> (0..Rank; negative counts from the end).</summary>
    public static Tensor Unsqueeze(Tensor x, int axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = axis < 0 ? axis + x.Rank + 1 : axis;
        if (a < 0 || a > x.Rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"Unsqueeze: axis {axis} is out of range for shape {x.Shape}.");
        }

        var d = x.Shape.ToArray().ToList();
        d.Insert(a, 1);
        return View("Unsqueeze", x, new Shape(d.ToArray()));
    }

    /// <summary>Removes axis <paramref name="axis"/>, which must have size 1.</summary>
    public static Tensor Squeeze(Tensor x, int axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = x.Shape.NormalizeAxis(axis, "Squeeze");
        if (x.Shape.Dims[a] != 1)
        {
            throw new ArgumentException($"Squeeze: axis {axis} of shape {x.Shape} has size {x.Shape.Dims[a]}, not 1.");
        }

        var d = x.Shape.ToArray().ToList();
        d.RemoveAt(a);
        return View("Squeeze", x, new Shape(d.ToArray()));
    }

    private static Tensor View(string op, Tensor x, Shape shape)
    {
        var y = new Tensor(x.Storage, x.Offset, shape);
        var inShape = x.Shape;
        GradientTape.RecorderFor(x)?.Record(op, y, [x], (g, s) => s.Add(0, new Tensor(g.Storage, g.Offset, inShape)), Saved.Nothing);
        return y;
    }
}
