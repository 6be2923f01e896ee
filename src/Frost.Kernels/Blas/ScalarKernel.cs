using System.Runtime.CompilerServices;

namespace Frost.Kernels.Blas;

/// <summary>4×4 scalar micro-kernel: the portable fallback.</summary>
internal unsafe struct ScalarKernel : IMicroKernel
{
    /// <inheritdoc/>
    public static GemmPath Path => GemmPath.Scalar;

    /// <inheritdoc/>
    public static int MR => 4;

    /// <inheritdoc/>
    public static int NR => 4;

    /// <inheritdoc/>
    public static int MC => 64;

    /// <inheritdoc/>
    public static int KC => 256;

    /// <inheritdoc/>
    public static int NC => 2048;

    /// <inheritdoc/>
    public static bool IsSupported => true;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(int kc, float* a, nint ldaK, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta)
    {
        float c00 = default; float c01 = default; float c02 = default; float c03 = default;
        float c10 = default; float c11 = default; float c12 = default; float c13 = default;
        float c20 = default; float c21 = default; float c22 = default; float c23 = default;
        float c30 = default; float c31 = default; float c32 = default; float c33 = default;
        int p = 0;
        for (; p < kc; p++)
        {
            float b0 = *(b + 0);
            float b1 = *(b + 1);
            float b2 = *(b + 2);
            float b3 = *(b + 3);
            float va0 = a[0];
            c00 = va0 * b0 + c00;
            c01 = va0 * b1 + c01;
            c02 = va0 * b2 + c02;
            c03 = va0 * b3 + c03;
            float va1 = a[1];
            c10 = va1 * b0 + c10;
            c11 = va1 * b1 + c11;
            c12 = va1 * b2 + c12;
            c13 = va1 * b3 + c13;
            float va2 = a[2];
            c20 = va2 * b0 + c20;
            c21 = va2 * b1 + c21;
            c22 = va2 * b2 + c22;
            c23 = va2 * b3 + c23;
            float va3 = a[3];
            c30 = va3 * b0 + c30;
            c31 = va3 * b1 + c31;
            c32 = va3 * b2 + c32;
            c33 = va3 * b3 + c33;
            a += ldaK;
            b += ldbK;
        }

        if (beta == 0f)
        {
            c[0 * ldc + 0] = alpha * c00;
            c[0 * ldc + 1] = alpha * c01;
            c[0 * ldc + 2] = alpha * c02;
            c[0 * ldc + 3] = alpha * c03;
            c[1 * ldc + 0] = alpha * c10;
            c[1 * ldc + 1] = alpha * c11;
            c[1 * ldc + 2] = alpha * c12;
            c[1 * ldc + 3] = alpha * c13;
            c[2 * ldc + 0] = alpha * c20;
            c[2 * ldc + 1] = alpha * c21;
            c[2 * ldc + 2] = alpha * c22;
            c[2 * ldc + 3] = alpha * c23;
            c[3 * ldc + 0] = alpha * c30;
            c[3 * ldc + 1] = alpha * c31;
            c[3 * ldc + 2] = alpha * c32;
            c[3 * ldc + 3] = alpha * c33;
        }
        else
        {
            c[0 * ldc + 0] = alpha * c00 + beta * c[0 * ldc + 0];
            c[0 * ldc + 1] = alpha * c01 + beta * c[0 * ldc + 1];
            c[0 * ldc + 2] = alpha * c02 + beta * c[0 * ldc + 2];
            c[0 * ldc + 3] = alpha * c03 + beta * c[0 * ldc + 3];
            c[1 * ldc + 0] = alpha * c10 + beta * c[1 * ldc + 0];
            c[1 * ldc + 1] = alpha * c11 + beta * c[1 * ldc + 1];
            c[1 * ldc + 2] = alpha * c12 + beta * c[1 * ldc + 2];
            c[1 * ldc + 3] = alpha * c13 + beta * c[1 * ldc + 3];
            c[2 * ldc + 0] = alpha * c20 + beta * c[2 * ldc + 0];
            c[2 * ldc + 1] = alpha * c21 + beta * c[2 * ldc + 1];
            c[2 * ldc + 2] = alpha * c22 + beta * c[2 * ldc + 2];
            c[2 * ldc + 3] = alpha * c23 + beta * c[2 * ldc + 3];
            c[3 * ldc + 0] = alpha * c30 + beta * c[3 * ldc + 0];
            c[3 * ldc + 1] = alpha * c31 + beta * c[3 * ldc + 1];
            c[3 * ldc + 2] = alpha * c32 + beta * c[3 * ldc + 2];
            c[3 * ldc + 3] = alpha * c33 + beta * c[3 * ldc + 3];
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ComputeRowsA(int kc, float** rows, nint off, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta)
    {
        float c00 = default; float c01 = default; float c02 = default; float c03 = default;
        float c10 = default; float c11 = default; float c12 = default; float c13 = default;
        float c20 = default; float c21 = default; float c22 = default; float c23 = default;
        float c30 = default; float c31 = default; float c32 = default; float c33 = default;
        float* a0 = rows[0] + off;
        float* a1 = rows[1] + off;
        float* a2 = rows[2] + off;
        float* a3 = rows[3] + off;
        int p = 0;
        for (; p < kc; p++)
        {
            float b0 = *(b + 0);
            float b1 = *(b + 1);
            float b2 = *(b + 2);
            float b3 = *(b + 3);
            float va0 = a0[0];
            c00 = va0 * b0 + c00;
            c01 = va0 * b1 + c01;
            c02 = va0 * b2 + c02;
            c03 = va0 * b3 + c03;
            float va1 = a1[0];
            c10 = va1 * b0 + c10;
            c11 = va1 * b1 + c11;
            c12 = va1 * b2 + c12;
            c13 = va1 * b3 + c13;
            float va2 = a2[0];
            c20 = va2 * b0 + c20;
            c21 = va2 * b1 + c21;
            c22 = va2 * b2 + c22;
            c23 = va2 * b3 + c23;
            float va3 = a3[0];
            c30 = va3 * b0 + c30;
            c31 = va3 * b1 + c31;
            c32 = va3 * b2 + c32;
            c33 = va3 * b3 + c33;
            a0++;
            a1++;
            a2++;
            a3++;
            b += ldbK;
        }

        if (beta == 0f)
        {
            c[0 * ldc + 0] = alpha * c00;
            c[0 * ldc + 1] = alpha * c01;
            c[0 * ldc + 2] = alpha * c02;
            c[0 * ldc + 3] = alpha * c03;
            c[1 * ldc + 0] = alpha * c10;
            c[1 * ldc + 1] = alpha * c11;
            c[1 * ldc + 2] = alpha * c12;
            c[1 * ldc + 3] = alpha * c13;
            c[2 * ldc + 0] = alpha * c20;
            c[2 * ldc + 1] = alpha * c21;
            c[2 * ldc + 2] = alpha * c22;
            c[2 * ldc + 3] = alpha * c23;
            c[3 * ldc + 0] = alpha * c30;
            c[3 * ldc + 1] = alpha * c31;
            c[3 * ldc + 2] = alpha * c32;
            c[3 * ldc + 3] = alpha * c33;
        }
        else
        {
            c[0 * ldc + 0] = alpha * c00 + beta * c[0 * ldc + 0];
            c[0 * ldc + 1] = alpha * c01 + beta * c[0 * ldc + 1];
            c[0 * ldc + 2] = alpha * c02 + beta * c[0 * ldc + 2];
            c[0 * ldc + 3] = alpha * c03 + beta * c[0 * ldc + 3];
            c[1 * ldc + 0] = alpha * c10 + beta * c[1 * ldc + 0];
            c[1 * ldc + 1] = alpha * c11 + beta * c[1 * ldc + 1];
            c[1 * ldc + 2] = alpha * c12 + beta * c[1 * ldc + 2];
            c[1 * ldc + 3] = alpha * c13 + beta * c[1 * ldc + 3];
            c[2 * ldc + 0] = alpha * c20 + beta * c[2 * ldc + 0];
            c[2 * ldc + 1] = alpha * c21 + beta * c[2 * ldc + 1];
            c[2 * ldc + 2] = alpha * c22 + beta * c[2 * ldc + 2];
            c[2 * ldc + 3] = alpha * c23 + beta * c[2 * ldc + 3];
            c[3 * ldc + 0] = alpha * c30 + beta * c[3 * ldc + 0];
            c[3 * ldc + 1] = alpha * c31 + beta * c[3 * ldc + 1];
            c[3 * ldc + 2] = alpha * c32 + beta * c[3 * ldc + 2];
            c[3 * ldc + 3] = alpha * c33 + beta * c[3 * ldc + 3];
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ComputeDepthA(int kc, float** depthRows, nint off, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta)
    {
        float c00 = default; float c01 = default; float c02 = default; float c03 = default;
        float c10 = default; float c11 = default; float c12 = default; float c13 = default;
        float c20 = default; float c21 = default; float c22 = default; float c23 = default;
        float c30 = default; float c31 = default; float c32 = default; float c33 = default;
        int p = 0;
        for (; p < kc; p++)
        {
            float* ad0 = depthRows[p] + off;
            float b0 = *(b + 0);
            float b1 = *(b + 1);
            float b2 = *(b + 2);
            float b3 = *(b + 3);
            float va0 = ad0[0];
            c00 = va0 * b0 + c00;
            c01 = va0 * b1 + c01;
            c02 = va0 * b2 + c02;
            c03 = va0 * b3 + c03;
            float va1 = ad0[1];
            c10 = va1 * b0 + c10;
            c11 = va1 * b1 + c11;
            c12 = va1 * b2 + c12;
            c13 = va1 * b3 + c13;
            float va2 = ad0[2];
            c20 = va2 * b0 + c20;
            c21 = va2 * b1 + c21;
            c22 = va2 * b2 + c22;
            c23 = va2 * b3 + c23;
            float va3 = ad0[3];
            c30 = va3 * b0 + c30;
            c31 = va3 * b1 + c31;
            c32 = va3 * b2 + c32;
            c33 = va3 * b3 + c33;
            b += ldbK;
        }

        if (beta == 0f)
        {
            c[0 * ldc + 0] = alpha * c00;
            c[0 * ldc + 1] = alpha * c01;
            c[0 * ldc + 2] = alpha * c02;
            c[0 * ldc + 3] = alpha * c03;
            c[1 * ldc + 0] = alpha * c10;
            c[1 * ldc + 1] = alpha * c11;
            c[1 * ldc + 2] = alpha * c12;
            c[1 * ldc + 3] = alpha * c13;
            c[2 * ldc + 0] = alpha * c20;
            c[2 * ldc + 1] = alpha * c21;
            c[2 * ldc + 2] = alpha * c22;
            c[2 * ldc + 3] = alpha * c23;
            c[3 * ldc + 0] = alpha * c30;
            c[3 * ldc + 1] = alpha * c31;
            c[3 * ldc + 2] = alpha * c32;
            c[3 * ldc + 3] = alpha * c33;
        }
        else
        {
            c[0 * ldc + 0] = alpha * c00 + beta * c[0 * ldc + 0];
            c[0 * ldc + 1] = alpha * c01 + beta * c[0 * ldc + 1];
            c[0 * ldc + 2] = alpha * c02 + beta * c[0 * ldc + 2];
            c[0 * ldc + 3] = alpha * c03 + beta * c[0 * ldc + 3];
            c[1 * ldc + 0] = alpha * c10 + beta * c[1 * ldc + 0];
            c[1 * ldc + 1] = alpha * c11 + beta * c[1 * ldc + 1];
            c[1 * ldc + 2] = alpha * c12 + beta * c[1 * ldc + 2];
            c[1 * ldc + 3] = alpha * c13 + beta * c[1 * ldc + 3];
            c[2 * ldc + 0] = alpha * c20 + beta * c[2 * ldc + 0];
            c[2 * ldc + 1] = alpha * c21 + beta * c[2 * ldc + 1];
            c[2 * ldc + 2] = alpha * c22 + beta * c[2 * ldc + 2];
            c[2 * ldc + 3] = alpha * c23 + beta * c[2 * ldc + 3];
            c[3 * ldc + 0] = alpha * c30 + beta * c[3 * ldc + 0];
            c[3 * ldc + 1] = alpha * c31 + beta * c[3 * ldc + 1];
            c[3 * ldc + 2] = alpha * c32 + beta * c[3 * ldc + 2];
            c[3 * ldc + 3] = alpha * c33 + beta * c[3 * ldc + 3];
        }
    }
}
