using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Frost.Kernels.Blas;

/// <summary>6×8 register-blocked micro-kernel on <see cref="Vector128{T}"/> (fused multiply-add where the hardware has it).</summary>
internal unsafe struct Vector128Kernel : IMicroKernel
{
    /// <inheritdoc/>
    public static GemmPath Path => GemmPath.Vector128;
    /// <inheritdoc/>
    public static int MR => 6;
    /// <inheritdoc/>
    public static int NR => 8;
    /// <inheritdoc/>
    public static int MC => 120;
    /// <inheritdoc/>
    public static int KC => 256;
    /// <inheritdoc/>
    public static int NC => 2048;

    /// <inheritdoc/>
    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector128<float> c00 = default; Vector128<float> c01 = default;
        Vector128<float> c10 = default; Vector128<float> c11 = default;
        Vector128<float> c20 = default; Vector128<float> c21 = default;
        Vector128<float> c30 = default; Vector128<float> c31 = default;
        Vector128<float> c40 = default; Vector128<float> c41 = default;
        Vector128<float> c50 = default; Vector128<float> c51 = default;
        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            {
                Vector128<float> b0 = Vector128.Load(b + 0);
                Vector128<float> b1 = Vector128.Load(b + 4);
                Vector128<float> a0 = Vector128.Create(a[0]);
                c00 = Vector128.MultiplyAddEstimate(a0, b0, c00);
                c01 = Vector128.MultiplyAddEstimate(a0, b1, c01);
                Vector128<float> a1 = Vector128.Create(a[1]);
                c10 = Vector128.MultiplyAddEstimate(a1, b0, c10);
                c11 = Vector128.MultiplyAddEstimate(a1, b1, c11);
                Vector128<float> a2 = Vector128.Create(a[2]);
                c20 = Vector128.MultiplyAddEstimate(a2, b0, c20);
                c21 = Vector128.MultiplyAddEstimate(a2, b1, c21);
                Vector128<float> a3 = Vector128.Create(a[3]);
                c30 = Vector128.MultiplyAddEstimate(a3, b0, c30);
                c31 = Vector128.MultiplyAddEstimate(a3, b1, c31);
                Vector128<float> a4 = Vector128.Create(a[4]);
                c40 = Vector128.MultiplyAddEstimate(a4, b0, c40);
                c41 = Vector128.MultiplyAddEstimate(a4, b1, c41);
                Vector128<float> a5 = Vector128.Create(a[5]);
                c50 = Vector128.MultiplyAddEstimate(a5, b0, c50);
                c51 = Vector128.MultiplyAddEstimate(a5, b1, c51);
            }

            {
                Vector128<float> b0 = Vector128.Load(b + 8);
                Vector128<float> b1 = Vector128.Load(b + 12);
                Vector128<float> a0 = Vector128.Create(a[6]);
                c00 = Vector128.MultiplyAddEstimate(a0, b0, c00);
                c01 = Vector128.MultiplyAddEstimate(a0, b1, c01);
                Vector128<float> a1 = Vector128.Create(a[7]);
                c10 = Vector128.MultiplyAddEstimate(a1, b0, c10);
                c11 = Vector128.MultiplyAddEstimate(a1, b1, c11);
                Vector128<float> a2 = Vector128.Create(a[8]);
                c20 = Vector128.MultiplyAddEstimate(a2, b0, c20);
                c21 = Vector128.MultiplyAddEstimate(a2, b1, c21);
                Vector128<float> a3 = Vector128.Create(a[9]);
                c30 = Vector128.MultiplyAddEstimate(a3, b0, c30);
                c31 = Vector128.MultiplyAddEstimate(a3, b1, c31);
                Vector128<float> a4 = Vector128.Create(a[10]);
                c40 = Vector128.MultiplyAddEstimate(a4, b0, c40);
                c41 = Vector128.MultiplyAddEstimate(a4, b1, c41);
                Vector128<float> a5 = Vector128.Create(a[11]);
                c50 = Vector128.MultiplyAddEstimate(a5, b0, c50);
                c51 = Vector128.MultiplyAddEstimate(a5, b1, c51);
            }
            a += 12;
            b += 16;
        }

        for (; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b + 0);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> a0 = Vector128.Create(a[0]);
            c00 = Vector128.MultiplyAddEstimate(a0, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(a0, b1, c01);
            Vector128<float> a1 = Vector128.Create(a[1]);
            c10 = Vector128.MultiplyAddEstimate(a1, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(a1, b1, c11);
            Vector128<float> a2 = Vector128.Create(a[2]);
            c20 = Vector128.MultiplyAddEstimate(a2, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(a2, b1, c21);
            Vector128<float> a3 = Vector128.Create(a[3]);
            c30 = Vector128.MultiplyAddEstimate(a3, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(a3, b1, c31);
            Vector128<float> a4 = Vector128.Create(a[4]);
            c40 = Vector128.MultiplyAddEstimate(a4, b0, c40);
            c41 = Vector128.MultiplyAddEstimate(a4, b1, c41);
            Vector128<float> a5 = Vector128.Create(a[5]);
            c50 = Vector128.MultiplyAddEstimate(a5, b0, c50);
            c51 = Vector128.MultiplyAddEstimate(a5, b1, c51);
            a += 6;
            b += 8;
        }

        Vector128<float> va = Vector128.Create(alpha);
        if (beta == 0f)
        {
            (c00 * va).Store(c + 0 * ldc + 0);
            (c01 * va).Store(c + 0 * ldc + 4);
            (c10 * va).Store(c + 1 * ldc + 0);
            (c11 * va).Store(c + 1 * ldc + 4);
            (c20 * va).Store(c + 2 * ldc + 0);
            (c21 * va).Store(c + 2 * ldc + 4);
            (c30 * va).Store(c + 3 * ldc + 0);
            (c31 * va).Store(c + 3 * ldc + 4);
            (c40 * va).Store(c + 4 * ldc + 0);
            (c41 * va).Store(c + 4 * ldc + 4);
            (c50 * va).Store(c + 5 * ldc + 0);
            (c51 * va).Store(c + 5 * ldc + 4);
        }
        else
        {
            Vector128<float> vb = Vector128.Create(beta);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 0 * ldc + 0), vb, (c00 * va)).Store(c + 0 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 0 * ldc + 4), vb, (c01 * va)).Store(c + 0 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 1 * ldc + 0), vb, (c10 * va)).Store(c + 1 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 1 * ldc + 4), vb, (c11 * va)).Store(c + 1 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 2 * ldc + 0), vb, (c20 * va)).Store(c + 2 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 2 * ldc + 4), vb, (c21 * va)).Store(c + 2 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 3 * ldc + 0), vb, (c30 * va)).Store(c + 3 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 3 * ldc + 4), vb, (c31 * va)).Store(c + 3 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 4 * ldc + 0), vb, (c40 * va)).Store(c + 4 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 4 * ldc + 4), vb, (c41 * va)).Store(c + 4 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 5 * ldc + 0), vb, (c50 * va)).Store(c + 5 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 5 * ldc + 4), vb, (c51 * va)).Store(c + 5 * ldc + 4);
        }
    }
}
