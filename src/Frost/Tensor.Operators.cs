namespace Frost;

public sealed partial class Tensor
{
    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add(a, b);

    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, float b) => Ops.Add(a, b);

    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(float a, Tensor b) => Ops.Add(b, a);

    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Ops.Sub(a, b);

    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, float b) => Ops.Sub(a, b);

    /// <summary>Subtracts from a scalar.</summary>
    public static Tensor operator -(float a, Tensor b) => Ops.Sub(a, b);

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => Ops.Neg(a);

    /// <summary>Elementwise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Ops.Mul(a, b);

    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, float b) => Ops.Mul(a, b);

    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(float a, Tensor b) => Ops.Mul(b, a);

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Ops.Div(a, b);

    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, float b) => Ops.Div(a, b);

    /// <summary>Divides a scalar.</summary>
    public static Tensor operator /(float a, Tensor b) => Ops.Div(a, b);

    /// <summary>A view with another shape; see <see cref="Ops.Reshape"/>.</summary>
    public Tensor Reshape(params int[] shape) => Ops.Reshape(this, shape);
}
