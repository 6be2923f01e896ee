using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    public static void Compute(int kc, float* a, nint ldaK, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta)
    {
        Vector128<float> c00 = default; Vector128<float> c01 = default;
        Vector128<float> c10 = default; Vector128<float> c11 = default;
        Vector128<float> c20 = default; Vector128<float> c21 = default;
        Vector128<float> c30 = default; Vector128<float> c31 = default;
        Vector128<float> c40 = default; Vector128<float> c41 = default;
        Vector128<float> c50 = default; Vector128<float> c51 = default;
        if (Sse.IsSupported)
        {
            // NOTE: C is touched only after the depth loop; fetching its lines now hides the misses.
            Sse.Prefetch0(c + 0 * ldc);
            Sse.Prefetch0(c + 0 * ldc + 7);
            Sse.Prefetch0(c + 1 * ldc);
            Sse.Prefetch0(c + 1 * ldc + 7);
            Sse.Prefetch0(c + 2 * ldc);
            Sse.Prefetch0(c + 2 * ldc + 7);
            Sse.Prefetch0(c + 3 * ldc);
            Sse.Prefetch0(c + 3 * ldc + 7);
            Sse.Prefetch0(c + 4 * ldc);
            Sse.Prefetch0(c + 4 * ldc + 7);
            Sse.Prefetch0(c + 5 * ldc);
            Sse.Prefetch0(c + 5 * ldc + 7);
        }

        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            float* bk1 = b + 1 * ldbK;
            float* ak1 = a + 1 * ldaK;
            {
                Vector128<float> b0 = Vector128.Load(b + 0);
                Vector128<float> b1 = Vector128.Load(b + 4);
                Vector128<float> va0 = Vector128.Create(a[0]);
                c00 = Vector128.MultiplyAddEstimate(va0, b0, c00);
                c01 = Vector128.MultiplyAddEstimate(va0, b1, c01);
                Vector128<float> va1 = Vector128.Create(a[1]);
                c10 = Vector128.MultiplyAddEstimate(va1, b0, c10);
                c11 = Vector128.MultiplyAddEstimate(va1, b1, c11);
                Vector128<float> va2 = Vector128.Create(a[2]);
                c20 = Vector128.MultiplyAddEstimate(va2, b0, c20);
                c21 = Vector128.MultiplyAddEstimate(va2, b1, c21);
                Vector128<float> va3 = Vector128.Create(a[3]);
                c30 = Vector128.MultiplyAddEstimate(va3, b0, c30);
                c31 = Vector128.MultiplyAddEstimate(va3, b1, c31);
                Vector128<float> va4 = Vector128.Create(a[4]);
                c40 = Vector128.MultiplyAddEstimate(va4, b0, c40);
                c41 = Vector128.MultiplyAddEstimate(va4, b1, c41);
                Vector128<float> va5 = Vector128.Create(a[5]);
                c50 = Vector128.MultiplyAddEstimate(va5, b0, c50);
                c51 = Vector128.MultiplyAddEstimate(va5, b1, c51);
            }

            {
                Vector128<float> b0 = Vector128.Load(bk1 + 0);
                Vector128<float> b1 = Vector128.Load(bk1 + 4);
                Vector128<float> va0 = Vector128.Create(ak1[0]);
                c00 = Vector128.MultiplyAddEstimate(va0, b0, c00);
                c01 = Vector128.MultiplyAddEstimate(va0, b1, c01);
                Vector128<float> va1 = Vector128.Create(ak1[1]);
                c10 = Vector128.MultiplyAddEstimate(va1, b0, c10);
                c11 = Vector128.MultiplyAddEstimate(va1, b1, c11);
                Vector128<float> va2 = Vector128.Create(ak1[2]);
                c20 = Vector128.MultiplyAddEstimate(va2, b0, c20);
                c21 = Vector128.MultiplyAddEstimate(va2, b1, c21);
                Vector128<float> va3 = Vector128.Create(ak1[3]);
                c30 = Vector128.MultiplyAddEstimate(va3, b0, c30);
                c31 = Vector128.MultiplyAddEstimate(va3, b1, c31);
                Vector128<float> va4 = Vector128.Create(ak1[4]);
                c40 = Vector128.MultiplyAddEstimate(va4, b0, c40);
                c41 = Vector128.MultiplyAddEstimate(va4, b1, c41);
                Vector128<float> va5 = Vector128.Create(ak1[5]);
                c50 = Vector128.MultiplyAddEstimate(va5, b0, c50);
                c51 = Vector128.MultiplyAddEstimate(va5, b1, c51);
            }

            a += 2 * ldaK;
            b += 2 * ldbK;
        }

        for (; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b + 0);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> va0 = Vector128.Create(a[0]);
            c00 = Vector128.MultiplyAddEstimate(va0, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(va0, b1, c01);
            Vector128<float> va1 = Vector128.Create(a[1]);
            c10 = Vector128.MultiplyAddEstimate(va1, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(va1, b1, c11);
            Vector128<float> va2 = Vector128.Create(a[2]);
            c20 = Vector128.MultiplyAddEstimate(va2, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(va2, b1, c21);
            Vector128<float> va3 = Vector128.Create(a[3]);
            c30 = Vector128.MultiplyAddEstimate(va3, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(va3, b1, c31);
            Vector128<float> va4 = Vector128.Create(a[4]);
            c40 = Vector128.MultiplyAddEstimate(va4, b0, c40);
            c41 = Vector128.MultiplyAddEstimate(va4, b1, c41);
            Vector128<float> va5 = Vector128.Create(a[5]);
            c50 = Vector128.MultiplyAddEstimate(va5, b0, c50);
            c51 = Vector128.MultiplyAddEstimate(va5, b1, c51);
            a += ldaK;
            b += ldbK;
        }

        Vector128<float> valpha = Vector128.Create(alpha);
        if (beta == 0f)
        {
            (c00 * valpha).Store(c + 0 * ldc + 0);
            (c01 * valpha).Store(c + 0 * ldc + 4);
            (c10 * valpha).Store(c + 1 * ldc + 0);
            (c11 * valpha).Store(c + 1 * ldc + 4);
            (c20 * valpha).Store(c + 2 * ldc + 0);
            (c21 * valpha).Store(c + 2 * ldc + 4);
            (c30 * valpha).Store(c + 3 * ldc + 0);
            (c31 * valpha).Store(c + 3 * ldc + 4);
            (c40 * valpha).Store(c + 4 * ldc + 0);
            (c41 * valpha).Store(c + 4 * ldc + 4);
            (c50 * valpha).Store(c + 5 * ldc + 0);
            (c51 * valpha).Store(c + 5 * ldc + 4);
        }
        else
        {
            Vector128<float> vbeta = Vector128.Create(beta);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 0 * ldc + 0), vbeta, c00 * valpha).Store(c + 0 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 0 * ldc + 4), vbeta, c01 * valpha).Store(c + 0 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 1 * ldc + 0), vbeta, c10 * valpha).Store(c + 1 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 1 * ldc + 4), vbeta, c11 * valpha).Store(c + 1 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 2 * ldc + 0), vbeta, c20 * valpha).Store(c + 2 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 2 * ldc + 4), vbeta, c21 * valpha).Store(c + 2 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 3 * ldc + 0), vbeta, c30 * valpha).Store(c + 3 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 3 * ldc + 4), vbeta, c31 * valpha).Store(c + 3 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 4 * ldc + 0), vbeta, c40 * valpha).Store(c + 4 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 4 * ldc + 4), vbeta, c41 * valpha).Store(c + 4 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 5 * ldc + 0), vbeta, c50 * valpha).Store(c + 5 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 5 * ldc + 4), vbeta, c51 * valpha).Store(c + 5 * ldc + 4);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ComputeRowsA(int kc, float** rows, nint off, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta)
    {
        Vector128<float> c00 = default; Vector128<float> c01 = default;
        Vector128<float> c10 = default; Vector128<float> c11 = default;
        Vector128<float> c20 = default; Vector128<float> c21 = default;
        Vector128<float> c30 = default; Vector128<float> c31 = default;
        Vector128<float> c40 = default; Vector128<float> c41 = default;
        Vector128<float> c50 = default; Vector128<float> c51 = default;
        if (Sse.IsSupported)
        {
            // NOTE: C is touched only after the depth loop; fetching its lines now hides the misses.
            Sse.Prefetch0(c + 0 * ldc);
            Sse.Prefetch0(c + 0 * ldc + 7);
            Sse.Prefetch0(c + 1 * ldc);
            Sse.Prefetch0(c + 1 * ldc + 7);
            Sse.Prefetch0(c + 2 * ldc);
            Sse.Prefetch0(c + 2 * ldc + 7);
            Sse.Prefetch0(c + 3 * ldc);
            Sse.Prefetch0(c + 3 * ldc + 7);
            Sse.Prefetch0(c + 4 * ldc);
            Sse.Prefetch0(c + 4 * ldc + 7);
            Sse.Prefetch0(c + 5 * ldc);
            Sse.Prefetch0(c + 5 * ldc + 7);
        }

        float* a0 = rows[0] + off;
        float* a1 = rows[1] + off;
        float* a2 = rows[2] + off;
        float* a3 = rows[3] + off;
        float* a4 = rows[4] + off;
        float* a5 = rows[5] + off;
        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            float* bk1 = b + 1 * ldbK;
            {
                Vector128<float> b0 = Vector128.Load(b + 0);
                Vector128<float> b1 = Vector128.Load(b + 4);
                Vector128<float> va0 = Vector128.Create(a0[0]);
                c00 = Vector128.MultiplyAddEstimate(va0, b0, c00);
                c01 = Vector128.MultiplyAddEstimate(va0, b1, c01);
                Vector128<float> va1 = Vector128.Create(a1[0]);
                c10 = Vector128.MultiplyAddEstimate(va1, b0, c10);
                c11 = Vector128.MultiplyAddEstimate(va1, b1, c11);
                Vector128<float> va2 = Vector128.Create(a2[0]);
                c20 = Vector128.MultiplyAddEstimate(va2, b0, c20);
                c21 = Vector128.MultiplyAddEstimate(va2, b1, c21);
                Vector128<float> va3 = Vector128.Create(a3[0]);
                c30 = Vector128.MultiplyAddEstimate(va3, b0, c30);
                c31 = Vector128.MultiplyAddEstimate(va3, b1, c31);
                Vector128<float> va4 = Vector128.Create(a4[0]);
                c40 = Vector128.MultiplyAddEstimate(va4, b0, c40);
                c41 = Vector128.MultiplyAddEstimate(va4, b1, c41);
                Vector128<float> va5 = Vector128.Create(a5[0]);
                c50 = Vector128.MultiplyAddEstimate(va5, b0, c50);
                c51 = Vector128.MultiplyAddEstimate(va5, b1, c51);
            }

            {
                Vector128<float> b0 = Vector128.Load(bk1 + 0);
                Vector128<float> b1 = Vector128.Load(bk1 + 4);
                Vector128<float> va0 = Vector128.Create(a0[1]);
                c00 = Vector128.MultiplyAddEstimate(va0, b0, c00);
                c01 = Vector128.MultiplyAddEstimate(va0, b1, c01);
                Vector128<float> va1 = Vector128.Create(a1[1]);
                c10 = Vector128.MultiplyAddEstimate(va1, b0, c10);
                c11 = Vector128.MultiplyAddEstimate(va1, b1, c11);
                Vector128<float> va2 = Vector128.Create(a2[1]);
                c20 = Vector128.MultiplyAddEstimate(va2, b0, c20);
                c21 = Vector128.MultiplyAddEstimate(va2, b1, c21);
                Vector128<float> va3 = Vector128.Create(a3[1]);
                c30 = Vector128.MultiplyAddEstimate(va3, b0, c30);
                c31 = Vector128.MultiplyAddEstimate(va3, b1, c31);
                Vector128<float> va4 = Vector128.Create(a4[1]);
                c40 = Vector128.MultiplyAddEstimate(va4, b0, c40);
                c41 = Vector128.MultiplyAddEstimate(va4, b1, c41);
                Vector128<float> va5 = Vector128.Create(a5[1]);
                c50 = Vector128.MultiplyAddEstimate(va5, b0, c50);
                c51 = Vector128.MultiplyAddEstimate(va5, b1, c51);
            }

            a0 += 2;
            a1 += 2;
            a2 += 2;
            a3 += 2;
            a4 += 2;
            a5 += 2;
            b += 2 * ldbK;
        }

        for (; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b + 0);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> va0 = Vector128.Create(a0[0]);
            c00 = Vector128.MultiplyAddEstimate(va0, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(va0, b1, c01);
            Vector128<float> va1 = Vector128.Create(a1[0]);
            c10 = Vector128.MultiplyAddEstimate(va1, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(va1, b1, c11);
            Vector128<float> va2 = Vector128.Create(a2[0]);
            c20 = Vector128.MultiplyAddEstimate(va2, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(va2, b1, c21);
            Vector128<float> va3 = Vector128.Create(a3[0]);
            c30 = Vector128.MultiplyAddEstimate(va3, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(va3, b1, c31);
            Vector128<float> va4 = Vector128.Create(a4[0]);
            c40 = Vector128.MultiplyAddEstimate(va4, b0, c40);
            c41 = Vector128.MultiplyAddEstimate(va4, b1, c41);
            Vector128<float> va5 = Vector128.Create(a5[0]);
            c50 = Vector128.MultiplyAddEstimate(va5, b0, c50);
            c51 = Vector128.MultiplyAddEstimate(va5, b1, c51);
            a0++;
            a1++;
            a2++;
            a3++;
            a4++;
            a5++;
            b += ldbK;
        }

        Vector128<float> valpha = Vector128.Create(alpha);
        if (beta == 0f)
        {
            (c00 * valpha).Store(c + 0 * ldc + 0);
            (c01 * valpha).Store(c + 0 * ldc + 4);
            (c10 * valpha).Store(c + 1 * ldc + 0);
            (c11 * valpha).Store(c + 1 * ldc + 4);
            (c20 * valpha).Store(c + 2 * ldc + 0);
            (c21 * valpha).Store(c + 2 * ldc + 4);
            (c30 * valpha).Store(c + 3 * ldc + 0);
            (c31 * valpha).Store(c + 3 * ldc + 4);
            (c40 * valpha).Store(c + 4 * ldc + 0);
            (c41 * valpha).Store(c + 4 * ldc + 4);
            (c50 * valpha).Store(c + 5 * ldc + 0);
            (c51 * valpha).Store(c + 5 * ldc + 4);
        }
        else
        {
            Vector128<float> vbeta = Vector128.Create(beta);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 0 * ldc + 0), vbeta, c00 * valpha).Store(c + 0 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 0 * ldc + 4), vbeta, c01 * valpha).Store(c + 0 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 1 * ldc + 0), vbeta, c10 * valpha).Store(c + 1 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 1 * ldc + 4), vbeta, c11 * valpha).Store(c + 1 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 2 * ldc + 0), vbeta, c20 * valpha).Store(c + 2 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 2 * ldc + 4), vbeta, c21 * valpha).Store(c + 2 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 3 * ldc + 0), vbeta, c30 * valpha).Store(c + 3 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 3 * ldc + 4), vbeta, c31 * valpha).Store(c + 3 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 4 * ldc + 0), vbeta, c40 * valpha).Store(c + 4 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 4 * ldc + 4), vbeta, c41 * valpha).Store(c + 4 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 5 * ldc + 0), vbeta, c50 * valpha).Store(c + 5 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 5 * ldc + 4), vbeta, c51 * valpha).Store(c + 5 * ldc + 4);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ComputeDepthA(int kc, float** depthRows, nint off, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta)
    {
        Vector128<float> c00 = default; Vector128<float> c01 = default;
        Vector128<float> c10 = default; Vector128<float> c11 = default;
        Vector128<float> c20 = default; Vector128<float> c21 = default;
        Vector128<float> c30 = default; Vector128<float> c31 = default;
        Vector128<float> c40 = default; Vector128<float> c41 = default;
        Vector128<float> c50 = default; Vector128<float> c51 = default;
        if (Sse.IsSupported)
        {
            // NOTE: C is touched only after the depth loop; fetching its lines now hides the misses.
            Sse.Prefetch0(c + 0 * ldc);
            Sse.Prefetch0(c + 0 * ldc + 7);
            Sse.Prefetch0(c + 1 * ldc);
            Sse.Prefetch0(c + 1 * ldc + 7);
            Sse.Prefetch0(c + 2 * ldc);
            Sse.Prefetch0(c + 2 * ldc + 7);
            Sse.Prefetch0(c + 3 * ldc);
            Sse.Prefetch0(c + 3 * ldc + 7);
            Sse.Prefetch0(c + 4 * ldc);
            Sse.Prefetch0(c + 4 * ldc + 7);
            Sse.Prefetch0(c + 5 * ldc);
            Sse.Prefetch0(c + 5 * ldc + 7);
        }

        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            float* bk1 = b + 1 * ldbK;
            float* ad0 = depthRows[p + 0] + off;
            float* ad1 = depthRows[p + 1] + off;
            {
                Vector128<float> b0 = Vector128.Load(b + 0);
                Vector128<float> b1 = Vector128.Load(b + 4);
                Vector128<float> va0 = Vector128.Create(ad0[0]);
                c00 = Vector128.MultiplyAddEstimate(va0, b0, c00);
                c01 = Vector128.MultiplyAddEstimate(va0, b1, c01);
                Vector128<float> va1 = Vector128.Create(ad0[1]);
                c10 = Vector128.MultiplyAddEstimate(va1, b0, c10);
                c11 = Vector128.MultiplyAddEstimate(va1, b1, c11);
                Vector128<float> va2 = Vector128.Create(ad0[2]);
                c20 = Vector128.MultiplyAddEstimate(va2, b0, c20);
                c21 = Vector128.MultiplyAddEstimate(va2, b1, c21);
                Vector128<float> va3 = Vector128.Create(ad0[3]);
                c30 = Vector128.MultiplyAddEstimate(va3, b0, c30);
                c31 = Vector128.MultiplyAddEstimate(va3, b1, c31);
                Vector128<float> va4 = Vector128.Create(ad0[4]);
                c40 = Vector128.MultiplyAddEstimate(va4, b0, c40);
                c41 = Vector128.MultiplyAddEstimate(va4, b1, c41);
                Vector128<float> va5 = Vector128.Create(ad0[5]);
                c50 = Vector128.MultiplyAddEstimate(va5, b0, c50);
                c51 = Vector128.MultiplyAddEstimate(va5, b1, c51);
            }

            {
                Vector128<float> b0 = Vector128.Load(bk1 + 0);
                Vector128<float> b1 = Vector128.Load(bk1 + 4);
                Vector128<float> va0 = Vector128.Create(ad1[0]);
                c00 = Vector128.MultiplyAddEstimate(va0, b0, c00);
                c01 = Vector128.MultiplyAddEstimate(va0, b1, c01);
                Vector128<float> va1 = Vector128.Create(ad1[1]);
                c10 = Vector128.MultiplyAddEstimate(va1, b0, c10);
                c11 = Vector128.MultiplyAddEstimate(va1, b1, c11);
                Vector128<float> va2 = Vector128.Create(ad1[2]);
                c20 = Vector128.MultiplyAddEstimate(va2, b0, c20);
                c21 = Vector128.MultiplyAddEstimate(va2, b1, c21);
                Vector128<float> va3 = Vector128.Create(ad1[3]);
                c30 = Vector128.MultiplyAddEstimate(va3, b0, c30);
                c31 = Vector128.MultiplyAddEstimate(va3, b1, c31);
                Vector128<float> va4 = Vector128.Create(ad1[4]);
                c40 = Vector128.MultiplyAddEstimate(va4, b0, c40);
                c41 = Vector128.MultiplyAddEstimate(va4, b1, c41);
                Vector128<float> va5 = Vector128.Create(ad1[5]);
                c50 = Vector128.MultiplyAddEstimate(va5, b0, c50);
                c51 = Vector128.MultiplyAddEstimate(va5, b1, c51);
            }

            b += 2 * ldbK;
        }

        for (; p < kc; p++)
        {
            float* ad0 = depthRows[p] + off;
            Vector128<float> b0 = Vector128.Load(b + 0);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> va0 = Vector128.Create(ad0[0]);
            c00 = Vector128.MultiplyAddEstimate(va0, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(va0, b1, c01);
            Vector128<float> va1 = Vector128.Create(ad0[1]);
            c10 = Vector128.MultiplyAddEstimate(va1, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(va1, b1, c11);
            Vector128<float> va2 = Vector128.Create(ad0[2]);
            c20 = Vector128.MultiplyAddEstimate(va2, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(va2, b1, c21);
            Vector128<float> va3 = Vector128.Create(ad0[3]);
            c30 = Vector128.MultiplyAddEstimate(va3, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(va3, b1, c31);
            Vector128<float> va4 = Vector128.Create(ad0[4]);
            c40 = Vector128.MultiplyAddEstimate(va4, b0, c40);
            c41 = Vector128.MultiplyAddEstimate(va4, b1, c41);
            Vector128<float> va5 = Vector128.Create(ad0[5]);
            c50 = Vector128.MultiplyAddEstimate(va5, b0, c50);
            c51 = Vector128.MultiplyAddEstimate(va5, b1, c51);
            b += ldbK;
        }

        Vector128<float> valpha = Vector128.Create(alpha);
        if (beta == 0f)
        {
            (c00 * valpha).Store(c + 0 * ldc + 0);
            (c01 * valpha).Store(c + 0 * ldc + 4);
            (c10 * valpha).Store(c + 1 * ldc + 0);
            (c11 * valpha).Store(c + 1 * ldc + 4);
            (c20 * valpha).Store(c + 2 * ldc + 0);
            (c21 * valpha).Store(c + 2 * ldc + 4);
            (c30 * valpha).Store(c + 3 * ldc + 0);
            (c31 * valpha).Store(c + 3 * ldc + 4);
            (c40 * valpha).Store(c + 4 * ldc + 0);
            (c41 * valpha).Store(c + 4 * ldc + 4);
            (c50 * valpha).Store(c + 5 * ldc + 0);
            (c51 * valpha).Store(c + 5 * ldc + 4);
        }
        else
        {
            Vector128<float> vbeta = Vector128.Create(beta);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 0 * ldc + 0), vbeta, c00 * valpha).Store(c + 0 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 0 * ldc + 4), vbeta, c01 * valpha).Store(c + 0 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 1 * ldc + 0), vbeta, c10 * valpha).Store(c + 1 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 1 * ldc + 4), vbeta, c11 * valpha).Store(c + 1 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 2 * ldc + 0), vbeta, c20 * valpha).Store(c + 2 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 2 * ldc + 4), vbeta, c21 * valpha).Store(c + 2 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 3 * ldc + 0), vbeta, c30 * valpha).Store(c + 3 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 3 * ldc + 4), vbeta, c31 * valpha).Store(c + 3 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 4 * ldc + 0), vbeta, c40 * valpha).Store(c + 4 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 4 * ldc + 4), vbeta, c41 * valpha).Store(c + 4 * ldc + 4);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 5 * ldc + 0), vbeta, c50 * valpha).Store(c + 5 * ldc + 0);
            Vector128.MultiplyAddEstimate(Vector128.Load(c + 5 * ldc + 4), vbeta, c51 * valpha).Store(c + 5 * ldc + 4);
        }
    }
}
