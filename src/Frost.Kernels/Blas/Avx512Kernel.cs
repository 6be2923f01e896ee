using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Frost.Kernels.Blas;

/// <summary>8×32 register-blocked micro-kernel on <see cref="Vector512{T}"/> with AVX-512 FMA (16 accumulators).</summary>
internal unsafe struct Avx512Kernel : IMicroKernel
{
    /// <inheritdoc/>
    public static GemmPath Path => GemmPath.Avx512;

    /// <inheritdoc/>
    public static int MR => 8;

    /// <inheritdoc/>
    public static int NR => 32;

    /// <inheritdoc/>
    public static int MC => 144;

    /// <inheritdoc/>
    public static int KC => 256;

    /// <inheritdoc/>
    public static int NC => 2048;

    /// <inheritdoc/>
    public static bool IsSupported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(int kc, float* a, nint ldaK, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default; Vector512<float> c01 = default;
        Vector512<float> c10 = default; Vector512<float> c11 = default;
        Vector512<float> c20 = default; Vector512<float> c21 = default;
        Vector512<float> c30 = default; Vector512<float> c31 = default;
        Vector512<float> c40 = default; Vector512<float> c41 = default;
        Vector512<float> c50 = default; Vector512<float> c51 = default;
        Vector512<float> c60 = default; Vector512<float> c61 = default;
        Vector512<float> c70 = default; Vector512<float> c71 = default;
        if (Sse.IsSupported)
        {
            // NOTE: C is touched only after the depth loop; fetching its lines now hides the misses.
            Sse.Prefetch0(c + 0 * ldc);
            Sse.Prefetch0(c + 0 * ldc + 31);
            Sse.Prefetch0(c + 1 * ldc);
            Sse.Prefetch0(c + 1 * ldc + 31);
            Sse.Prefetch0(c + 2 * ldc);
            Sse.Prefetch0(c + 2 * ldc + 31);
            Sse.Prefetch0(c + 3 * ldc);
            Sse.Prefetch0(c + 3 * ldc + 31);
            Sse.Prefetch0(c + 4 * ldc);
            Sse.Prefetch0(c + 4 * ldc + 31);
            Sse.Prefetch0(c + 5 * ldc);
            Sse.Prefetch0(c + 5 * ldc + 31);
            Sse.Prefetch0(c + 6 * ldc);
            Sse.Prefetch0(c + 6 * ldc + 31);
            Sse.Prefetch0(c + 7 * ldc);
            Sse.Prefetch0(c + 7 * ldc + 31);
        }

        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            float* bk1 = b + 1 * ldbK;
            float* bk2 = b + 2 * ldbK;
            float* bk3 = b + 3 * ldbK;
            float* ak1 = a + 1 * ldaK;
            float* ak2 = a + 2 * ldaK;
            float* ak3 = a + 3 * ldaK;
            {
                Vector512<float> b0 = Vector512.Load(b + 0);
                Vector512<float> b1 = Vector512.Load(b + 16);
                Vector512<float> va0 = Vector512.Create(a[0]);
                c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
                Vector512<float> va1 = Vector512.Create(a[1]);
                c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
                Vector512<float> va2 = Vector512.Create(a[2]);
                c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
                Vector512<float> va3 = Vector512.Create(a[3]);
                c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
                Vector512<float> va4 = Vector512.Create(a[4]);
                c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
                Vector512<float> va5 = Vector512.Create(a[5]);
                c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
                Vector512<float> va6 = Vector512.Create(a[6]);
                c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
                Vector512<float> va7 = Vector512.Create(a[7]);
                c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            }

            {
                Vector512<float> b0 = Vector512.Load(bk1 + 0);
                Vector512<float> b1 = Vector512.Load(bk1 + 16);
                Vector512<float> va0 = Vector512.Create(ak1[0]);
                c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
                Vector512<float> va1 = Vector512.Create(ak1[1]);
                c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
                Vector512<float> va2 = Vector512.Create(ak1[2]);
                c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
                Vector512<float> va3 = Vector512.Create(ak1[3]);
                c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
                Vector512<float> va4 = Vector512.Create(ak1[4]);
                c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
                Vector512<float> va5 = Vector512.Create(ak1[5]);
                c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
                Vector512<float> va6 = Vector512.Create(ak1[6]);
                c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
                Vector512<float> va7 = Vector512.Create(ak1[7]);
                c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            }

            {
                Vector512<float> b0 = Vector512.Load(bk2 + 0);
                Vector512<float> b1 = Vector512.Load(bk2 + 16);
                Vector512<float> va0 = Vector512.Create(ak2[0]);
                c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
                Vector512<float> va1 = Vector512.Create(ak2[1]);
                c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
                Vector512<float> va2 = Vector512.Create(ak2[2]);
                c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
                Vector512<float> va3 = Vector512.Create(ak2[3]);
                c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
                Vector512<float> va4 = Vector512.Create(ak2[4]);
                c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
                Vector512<float> va5 = Vector512.Create(ak2[5]);
                c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
                Vector512<float> va6 = Vector512.Create(ak2[6]);
                c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
                Vector512<float> va7 = Vector512.Create(ak2[7]);
                c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            }

            {
                Vector512<float> b0 = Vector512.Load(bk3 + 0);
                Vector512<float> b1 = Vector512.Load(bk3 + 16);
                Vector512<float> va0 = Vector512.Create(ak3[0]);
                c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
                Vector512<float> va1 = Vector512.Create(ak3[1]);
                c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
                Vector512<float> va2 = Vector512.Create(ak3[2]);
                c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
                Vector512<float> va3 = Vector512.Create(ak3[3]);
                c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
                Vector512<float> va4 = Vector512.Create(ak3[4]);
                c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
                Vector512<float> va5 = Vector512.Create(ak3[5]);
                c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
                Vector512<float> va6 = Vector512.Create(ak3[6]);
                c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
                Vector512<float> va7 = Vector512.Create(ak3[7]);
                c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            }

            a += 4 * ldaK;
            b += 4 * ldbK;
        }

        for (; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b + 0);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> va0 = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
            Vector512<float> va1 = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
            Vector512<float> va2 = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
            Vector512<float> va3 = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
            Vector512<float> va4 = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
            Vector512<float> va5 = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
            Vector512<float> va6 = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
            Vector512<float> va7 = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            a += ldaK;
            b += ldbK;
        }

        Vector512<float> valpha = Vector512.Create(alpha);
        if (beta == 0f)
        {
            (c00 * valpha).Store(c + 0 * ldc + 0);
            (c01 * valpha).Store(c + 0 * ldc + 16);
            (c10 * valpha).Store(c + 1 * ldc + 0);
            (c11 * valpha).Store(c + 1 * ldc + 16);
            (c20 * valpha).Store(c + 2 * ldc + 0);
            (c21 * valpha).Store(c + 2 * ldc + 16);
            (c30 * valpha).Store(c + 3 * ldc + 0);
            (c31 * valpha).Store(c + 3 * ldc + 16);
            (c40 * valpha).Store(c + 4 * ldc + 0);
            (c41 * valpha).Store(c + 4 * ldc + 16);
            (c50 * valpha).Store(c + 5 * ldc + 0);
            (c51 * valpha).Store(c + 5 * ldc + 16);
            (c60 * valpha).Store(c + 6 * ldc + 0);
            (c61 * valpha).Store(c + 6 * ldc + 16);
            (c70 * valpha).Store(c + 7 * ldc + 0);
            (c71 * valpha).Store(c + 7 * ldc + 16);
        }
        else
        {
            Vector512<float> vbeta = Vector512.Create(beta);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 0 * ldc + 0), vbeta, c00 * valpha).Store(c + 0 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 0 * ldc + 16), vbeta, c01 * valpha).Store(c + 0 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 1 * ldc + 0), vbeta, c10 * valpha).Store(c + 1 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 1 * ldc + 16), vbeta, c11 * valpha).Store(c + 1 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 2 * ldc + 0), vbeta, c20 * valpha).Store(c + 2 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 2 * ldc + 16), vbeta, c21 * valpha).Store(c + 2 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 3 * ldc + 0), vbeta, c30 * valpha).Store(c + 3 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 3 * ldc + 16), vbeta, c31 * valpha).Store(c + 3 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 4 * ldc + 0), vbeta, c40 * valpha).Store(c + 4 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 4 * ldc + 16), vbeta, c41 * valpha).Store(c + 4 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 5 * ldc + 0), vbeta, c50 * valpha).Store(c + 5 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 5 * ldc + 16), vbeta, c51 * valpha).Store(c + 5 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 6 * ldc + 0), vbeta, c60 * valpha).Store(c + 6 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 6 * ldc + 16), vbeta, c61 * valpha).Store(c + 6 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 7 * ldc + 0), vbeta, c70 * valpha).Store(c + 7 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 7 * ldc + 16), vbeta, c71 * valpha).Store(c + 7 * ldc + 16);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ComputeRowsA(int kc, float** rows, nint off, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default; Vector512<float> c01 = default;
        Vector512<float> c10 = default; Vector512<float> c11 = default;
        Vector512<float> c20 = default; Vector512<float> c21 = default;
        Vector512<float> c30 = default; Vector512<float> c31 = default;
        Vector512<float> c40 = default; Vector512<float> c41 = default;
        Vector512<float> c50 = default; Vector512<float> c51 = default;
        Vector512<float> c60 = default; Vector512<float> c61 = default;
        Vector512<float> c70 = default; Vector512<float> c71 = default;
        if (Sse.IsSupported)
        {
            // NOTE: C is touched only after the depth loop; fetching its lines now hides the misses.
            Sse.Prefetch0(c + 0 * ldc);
            Sse.Prefetch0(c + 0 * ldc + 31);
            Sse.Prefetch0(c + 1 * ldc);
            Sse.Prefetch0(c + 1 * ldc + 31);
            Sse.Prefetch0(c + 2 * ldc);
            Sse.Prefetch0(c + 2 * ldc + 31);
            Sse.Prefetch0(c + 3 * ldc);
            Sse.Prefetch0(c + 3 * ldc + 31);
            Sse.Prefetch0(c + 4 * ldc);
            Sse.Prefetch0(c + 4 * ldc + 31);
            Sse.Prefetch0(c + 5 * ldc);
            Sse.Prefetch0(c + 5 * ldc + 31);
            Sse.Prefetch0(c + 6 * ldc);
            Sse.Prefetch0(c + 6 * ldc + 31);
            Sse.Prefetch0(c + 7 * ldc);
            Sse.Prefetch0(c + 7 * ldc + 31);
        }

        float* a0 = rows[0] + off;
        float* a1 = rows[1] + off;
        float* a2 = rows[2] + off;
        float* a3 = rows[3] + off;
        float* a4 = rows[4] + off;
        float* a5 = rows[5] + off;
        float* a6 = rows[6] + off;
        float* a7 = rows[7] + off;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            float* bk1 = b + 1 * ldbK;
            float* bk2 = b + 2 * ldbK;
            float* bk3 = b + 3 * ldbK;
            {
                Vector512<float> b0 = Vector512.Load(b + 0);
                Vector512<float> b1 = Vector512.Load(b + 16);
                Vector512<float> va0 = Vector512.Create(a0[0]);
                c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
                Vector512<float> va1 = Vector512.Create(a1[0]);
                c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
                Vector512<float> va2 = Vector512.Create(a2[0]);
                c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
                Vector512<float> va3 = Vector512.Create(a3[0]);
                c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
                Vector512<float> va4 = Vector512.Create(a4[0]);
                c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
                Vector512<float> va5 = Vector512.Create(a5[0]);
                c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
                Vector512<float> va6 = Vector512.Create(a6[0]);
                c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
                Vector512<float> va7 = Vector512.Create(a7[0]);
                c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            }

            {
                Vector512<float> b0 = Vector512.Load(bk1 + 0);
                Vector512<float> b1 = Vector512.Load(bk1 + 16);
                Vector512<float> va0 = Vector512.Create(a0[1]);
                c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
                Vector512<float> va1 = Vector512.Create(a1[1]);
                c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
                Vector512<float> va2 = Vector512.Create(a2[1]);
                c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
                Vector512<float> va3 = Vector512.Create(a3[1]);
                c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
                Vector512<float> va4 = Vector512.Create(a4[1]);
                c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
                Vector512<float> va5 = Vector512.Create(a5[1]);
                c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
                Vector512<float> va6 = Vector512.Create(a6[1]);
                c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
                Vector512<float> va7 = Vector512.Create(a7[1]);
                c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            }

            {
                Vector512<float> b0 = Vector512.Load(bk2 + 0);
                Vector512<float> b1 = Vector512.Load(bk2 + 16);
                Vector512<float> va0 = Vector512.Create(a0[2]);
                c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
                Vector512<float> va1 = Vector512.Create(a1[2]);
                c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
                Vector512<float> va2 = Vector512.Create(a2[2]);
                c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
                Vector512<float> va3 = Vector512.Create(a3[2]);
                c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
                Vector512<float> va4 = Vector512.Create(a4[2]);
                c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
                Vector512<float> va5 = Vector512.Create(a5[2]);
                c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
                Vector512<float> va6 = Vector512.Create(a6[2]);
                c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
                Vector512<float> va7 = Vector512.Create(a7[2]);
                c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            }

            {
                Vector512<float> b0 = Vector512.Load(bk3 + 0);
                Vector512<float> b1 = Vector512.Load(bk3 + 16);
                Vector512<float> va0 = Vector512.Create(a0[3]);
                c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
                Vector512<float> va1 = Vector512.Create(a1[3]);
                c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
                Vector512<float> va2 = Vector512.Create(a2[3]);
                c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
                Vector512<float> va3 = Vector512.Create(a3[3]);
                c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
                Vector512<float> va4 = Vector512.Create(a4[3]);
                c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
                Vector512<float> va5 = Vector512.Create(a5[3]);
                c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
                Vector512<float> va6 = Vector512.Create(a6[3]);
                c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
                Vector512<float> va7 = Vector512.Create(a7[3]);
                c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            }

            a0 += 4;
            a1 += 4;
            a2 += 4;
            a3 += 4;
            a4 += 4;
            a5 += 4;
            a6 += 4;
            a7 += 4;
            b += 4 * ldbK;
        }

        for (; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b + 0);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> va0 = Vector512.Create(a0[0]);
            c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
            Vector512<float> va1 = Vector512.Create(a1[0]);
            c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
            Vector512<float> va2 = Vector512.Create(a2[0]);
            c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
            Vector512<float> va3 = Vector512.Create(a3[0]);
            c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
            Vector512<float> va4 = Vector512.Create(a4[0]);
            c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
            Vector512<float> va5 = Vector512.Create(a5[0]);
            c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
            Vector512<float> va6 = Vector512.Create(a6[0]);
            c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
            Vector512<float> va7 = Vector512.Create(a7[0]);
            c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            a0++;
            a1++;
            a2++;
            a3++;
            a4++;
            a5++;
            a6++;
            a7++;
            b += ldbK;
        }

        Vector512<float> valpha = Vector512.Create(alpha);
        if (beta == 0f)
        {
            (c00 * valpha).Store(c + 0 * ldc + 0);
            (c01 * valpha).Store(c + 0 * ldc + 16);
            (c10 * valpha).Store(c + 1 * ldc + 0);
            (c11 * valpha).Store(c + 1 * ldc + 16);
            (c20 * valpha).Store(c + 2 * ldc + 0);
            (c21 * valpha).Store(c + 2 * ldc + 16);
            (c30 * valpha).Store(c + 3 * ldc + 0);
            (c31 * valpha).Store(c + 3 * ldc + 16);
            (c40 * valpha).Store(c + 4 * ldc + 0);
            (c41 * valpha).Store(c + 4 * ldc + 16);
            (c50 * valpha).Store(c + 5 * ldc + 0);
            (c51 * valpha).Store(c + 5 * ldc + 16);
            (c60 * valpha).Store(c + 6 * ldc + 0);
            (c61 * valpha).Store(c + 6 * ldc + 16);
            (c70 * valpha).Store(c + 7 * ldc + 0);
            (c71 * valpha).Store(c + 7 * ldc + 16);
        }
        else
        {
            Vector512<float> vbeta = Vector512.Create(beta);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 0 * ldc + 0), vbeta, c00 * valpha).Store(c + 0 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 0 * ldc + 16), vbeta, c01 * valpha).Store(c + 0 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 1 * ldc + 0), vbeta, c10 * valpha).Store(c + 1 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 1 * ldc + 16), vbeta, c11 * valpha).Store(c + 1 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 2 * ldc + 0), vbeta, c20 * valpha).Store(c + 2 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 2 * ldc + 16), vbeta, c21 * valpha).Store(c + 2 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 3 * ldc + 0), vbeta, c30 * valpha).Store(c + 3 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 3 * ldc + 16), vbeta, c31 * valpha).Store(c + 3 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 4 * ldc + 0), vbeta, c40 * valpha).Store(c + 4 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 4 * ldc + 16), vbeta, c41 * valpha).Store(c + 4 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 5 * ldc + 0), vbeta, c50 * valpha).Store(c + 5 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 5 * ldc + 16), vbeta, c51 * valpha).Store(c + 5 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 6 * ldc + 0), vbeta, c60 * valpha).Store(c + 6 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 6 * ldc + 16), vbeta, c61 * valpha).Store(c + 6 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 7 * ldc + 0), vbeta, c70 * valpha).Store(c + 7 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 7 * ldc + 16), vbeta, c71 * valpha).Store(c + 7 * ldc + 16);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ComputeDepthA(int kc, float** depthRows, nint off, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default; Vector512<float> c01 = default;
        Vector512<float> c10 = default; Vector512<float> c11 = default;
        Vector512<float> c20 = default; Vector512<float> c21 = default;
        Vector512<float> c30 = default; Vector512<float> c31 = default;
        Vector512<float> c40 = default; Vector512<float> c41 = default;
        Vector512<float> c50 = default; Vector512<float> c51 = default;
        Vector512<float> c60 = default; Vector512<float> c61 = default;
        Vector512<float> c70 = default; Vector512<float> c71 = default;
        if (Sse.IsSupported)
        {
            // NOTE: C is touched only after the depth loop; fetching its lines now hides the misses.
            Sse.Prefetch0(c + 0 * ldc);
            Sse.Prefetch0(c + 0 * ldc + 31);
            Sse.Prefetch0(c + 1 * ldc);
            Sse.Prefetch0(c + 1 * ldc + 31);
            Sse.Prefetch0(c + 2 * ldc);
            Sse.Prefetch0(c + 2 * ldc + 31);
            Sse.Prefetch0(c + 3 * ldc);
            Sse.Prefetch0(c + 3 * ldc + 31);
            Sse.Prefetch0(c + 4 * ldc);
            Sse.Prefetch0(c + 4 * ldc + 31);
            Sse.Prefetch0(c + 5 * ldc);
            Sse.Prefetch0(c + 5 * ldc + 31);
            Sse.Prefetch0(c + 6 * ldc);
            Sse.Prefetch0(c + 6 * ldc + 31);
            Sse.Prefetch0(c + 7 * ldc);
            Sse.Prefetch0(c + 7 * ldc + 31);
        }

        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            float* bk1 = b + 1 * ldbK;
            float* bk2 = b + 2 * ldbK;
            float* bk3 = b + 3 * ldbK;
            float* ad0 = depthRows[p + 0] + off;
            float* ad1 = depthRows[p + 1] + off;
            float* ad2 = depthRows[p + 2] + off;
            float* ad3 = depthRows[p + 3] + off;
            {
                Vector512<float> b0 = Vector512.Load(b + 0);
                Vector512<float> b1 = Vector512.Load(b + 16);
                Vector512<float> va0 = Vector512.Create(ad0[0]);
                c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
                Vector512<float> va1 = Vector512.Create(ad0[1]);
                c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
                Vector512<float> va2 = Vector512.Create(ad0[2]);
                c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
                Vector512<float> va3 = Vector512.Create(ad0[3]);
                c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
                Vector512<float> va4 = Vector512.Create(ad0[4]);
                c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
                Vector512<float> va5 = Vector512.Create(ad0[5]);
                c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
                Vector512<float> va6 = Vector512.Create(ad0[6]);
                c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
                Vector512<float> va7 = Vector512.Create(ad0[7]);
                c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            }

            {
                Vector512<float> b0 = Vector512.Load(bk1 + 0);
                Vector512<float> b1 = Vector512.Load(bk1 + 16);
                Vector512<float> va0 = Vector512.Create(ad1[0]);
                c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
                Vector512<float> va1 = Vector512.Create(ad1[1]);
                c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
                Vector512<float> va2 = Vector512.Create(ad1[2]);
                c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
                Vector512<float> va3 = Vector512.Create(ad1[3]);
                c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
                Vector512<float> va4 = Vector512.Create(ad1[4]);
                c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
                Vector512<float> va5 = Vector512.Create(ad1[5]);
                c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
                Vector512<float> va6 = Vector512.Create(ad1[6]);
                c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
                Vector512<float> va7 = Vector512.Create(ad1[7]);
                c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            }

            {
                Vector512<float> b0 = Vector512.Load(bk2 + 0);
                Vector512<float> b1 = Vector512.Load(bk2 + 16);
                Vector512<float> va0 = Vector512.Create(ad2[0]);
                c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
                Vector512<float> va1 = Vector512.Create(ad2[1]);
                c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
                Vector512<float> va2 = Vector512.Create(ad2[2]);
                c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
                Vector512<float> va3 = Vector512.Create(ad2[3]);
                c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
                Vector512<float> va4 = Vector512.Create(ad2[4]);
                c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
                Vector512<float> va5 = Vector512.Create(ad2[5]);
                c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
                Vector512<float> va6 = Vector512.Create(ad2[6]);
                c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
                Vector512<float> va7 = Vector512.Create(ad2[7]);
                c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            }

            {
                Vector512<float> b0 = Vector512.Load(bk3 + 0);
                Vector512<float> b1 = Vector512.Load(bk3 + 16);
                Vector512<float> va0 = Vector512.Create(ad3[0]);
                c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
                Vector512<float> va1 = Vector512.Create(ad3[1]);
                c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
                Vector512<float> va2 = Vector512.Create(ad3[2]);
                c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
                Vector512<float> va3 = Vector512.Create(ad3[3]);
                c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
                Vector512<float> va4 = Vector512.Create(ad3[4]);
                c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
                Vector512<float> va5 = Vector512.Create(ad3[5]);
                c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
                Vector512<float> va6 = Vector512.Create(ad3[6]);
                c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
                Vector512<float> va7 = Vector512.Create(ad3[7]);
                c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            }

            b += 4 * ldbK;
        }

        for (; p < kc; p++)
        {
            float* ad0 = depthRows[p] + off;
            Vector512<float> b0 = Vector512.Load(b + 0);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> va0 = Vector512.Create(ad0[0]);
            c00 = Avx512F.FusedMultiplyAdd(va0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(va0, b1, c01);
            Vector512<float> va1 = Vector512.Create(ad0[1]);
            c10 = Avx512F.FusedMultiplyAdd(va1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(va1, b1, c11);
            Vector512<float> va2 = Vector512.Create(ad0[2]);
            c20 = Avx512F.FusedMultiplyAdd(va2, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(va2, b1, c21);
            Vector512<float> va3 = Vector512.Create(ad0[3]);
            c30 = Avx512F.FusedMultiplyAdd(va3, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(va3, b1, c31);
            Vector512<float> va4 = Vector512.Create(ad0[4]);
            c40 = Avx512F.FusedMultiplyAdd(va4, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(va4, b1, c41);
            Vector512<float> va5 = Vector512.Create(ad0[5]);
            c50 = Avx512F.FusedMultiplyAdd(va5, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(va5, b1, c51);
            Vector512<float> va6 = Vector512.Create(ad0[6]);
            c60 = Avx512F.FusedMultiplyAdd(va6, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(va6, b1, c61);
            Vector512<float> va7 = Vector512.Create(ad0[7]);
            c70 = Avx512F.FusedMultiplyAdd(va7, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(va7, b1, c71);
            b += ldbK;
        }

        Vector512<float> valpha = Vector512.Create(alpha);
        if (beta == 0f)
        {
            (c00 * valpha).Store(c + 0 * ldc + 0);
            (c01 * valpha).Store(c + 0 * ldc + 16);
            (c10 * valpha).Store(c + 1 * ldc + 0);
            (c11 * valpha).Store(c + 1 * ldc + 16);
            (c20 * valpha).Store(c + 2 * ldc + 0);
            (c21 * valpha).Store(c + 2 * ldc + 16);
            (c30 * valpha).Store(c + 3 * ldc + 0);
            (c31 * valpha).Store(c + 3 * ldc + 16);
            (c40 * valpha).Store(c + 4 * ldc + 0);
            (c41 * valpha).Store(c + 4 * ldc + 16);
            (c50 * valpha).Store(c + 5 * ldc + 0);
            (c51 * valpha).Store(c + 5 * ldc + 16);
            (c60 * valpha).Store(c + 6 * ldc + 0);
            (c61 * valpha).Store(c + 6 * ldc + 16);
            (c70 * valpha).Store(c + 7 * ldc + 0);
            (c71 * valpha).Store(c + 7 * ldc + 16);
        }
        else
        {
            Vector512<float> vbeta = Vector512.Create(beta);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 0 * ldc + 0), vbeta, c00 * valpha).Store(c + 0 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 0 * ldc + 16), vbeta, c01 * valpha).Store(c + 0 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 1 * ldc + 0), vbeta, c10 * valpha).Store(c + 1 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 1 * ldc + 16), vbeta, c11 * valpha).Store(c + 1 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 2 * ldc + 0), vbeta, c20 * valpha).Store(c + 2 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 2 * ldc + 16), vbeta, c21 * valpha).Store(c + 2 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 3 * ldc + 0), vbeta, c30 * valpha).Store(c + 3 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 3 * ldc + 16), vbeta, c31 * valpha).Store(c + 3 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 4 * ldc + 0), vbeta, c40 * valpha).Store(c + 4 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 4 * ldc + 16), vbeta, c41 * valpha).Store(c + 4 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 5 * ldc + 0), vbeta, c50 * valpha).Store(c + 5 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 5 * ldc + 16), vbeta, c51 * valpha).Store(c + 5 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 6 * ldc + 0), vbeta, c60 * valpha).Store(c + 6 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 6 * ldc + 16), vbeta, c61 * valpha).Store(c + 6 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 7 * ldc + 0), vbeta, c70 * valpha).Store(c + 7 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 7 * ldc + 16), vbeta, c71 * valpha).Store(c + 7 * ldc + 16);
        }
    }
}
