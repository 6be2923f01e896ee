using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Frost.Kernels.Blas;

/// <summary>6×16 register-blocked micro-kernel on <see cref="Vector256{T}"/> with FMA (12 accumulators).</summary>
internal unsafe struct Avx2Kernel : IMicroKernel
{
    /// <inheritdoc/>
    public static GemmPath Path => GemmPath.Avx2;

    /// <inheritdoc/>
    public static int MR => 6;

    /// <inheritdoc/>
    public static int NR => 16;

    /// <inheritdoc/>
    public static int MC => 144;

    /// <inheritdoc/>
    public static int KC => 256;

    /// <inheritdoc/>
    public static int NC => 2048;

    /// <inheritdoc/>
    public static bool IsSupported => Fma.IsSupported && Avx2.IsSupported;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(int kc, float* a, nint ldaK, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default; Vector256<float> c01 = default;
        Vector256<float> c10 = default; Vector256<float> c11 = default;
        Vector256<float> c20 = default; Vector256<float> c21 = default;
        Vector256<float> c30 = default; Vector256<float> c31 = default;
        Vector256<float> c40 = default; Vector256<float> c41 = default;
        Vector256<float> c50 = default; Vector256<float> c51 = default;
        if (Sse.IsSupported)
        {
            // NOTE: C is touched only after the depth loop; fetching its lines now hides the misses.
            Sse.Prefetch0(c + 0 * ldc);
            Sse.Prefetch0(c + 0 * ldc + 15);
            Sse.Prefetch0(c + 1 * ldc);
            Sse.Prefetch0(c + 1 * ldc + 15);
            Sse.Prefetch0(c + 2 * ldc);
            Sse.Prefetch0(c + 2 * ldc + 15);
            Sse.Prefetch0(c + 3 * ldc);
            Sse.Prefetch0(c + 3 * ldc + 15);
            Sse.Prefetch0(c + 4 * ldc);
            Sse.Prefetch0(c + 4 * ldc + 15);
            Sse.Prefetch0(c + 5 * ldc);
            Sse.Prefetch0(c + 5 * ldc + 15);
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
                Vector256<float> b0 = Avx.LoadVector256(b + 0);
                Vector256<float> b1 = Avx.LoadVector256(b + 8);
                Vector256<float> va0 = Vector256.Create(a[0]);
                c00 = Fma.MultiplyAdd(va0, b0, c00);
                c01 = Fma.MultiplyAdd(va0, b1, c01);
                Vector256<float> va1 = Vector256.Create(a[1]);
                c10 = Fma.MultiplyAdd(va1, b0, c10);
                c11 = Fma.MultiplyAdd(va1, b1, c11);
                Vector256<float> va2 = Vector256.Create(a[2]);
                c20 = Fma.MultiplyAdd(va2, b0, c20);
                c21 = Fma.MultiplyAdd(va2, b1, c21);
                Vector256<float> va3 = Vector256.Create(a[3]);
                c30 = Fma.MultiplyAdd(va3, b0, c30);
                c31 = Fma.MultiplyAdd(va3, b1, c31);
                Vector256<float> va4 = Vector256.Create(a[4]);
                c40 = Fma.MultiplyAdd(va4, b0, c40);
                c41 = Fma.MultiplyAdd(va4, b1, c41);
                Vector256<float> va5 = Vector256.Create(a[5]);
                c50 = Fma.MultiplyAdd(va5, b0, c50);
                c51 = Fma.MultiplyAdd(va5, b1, c51);
            }

            {
                Vector256<float> b0 = Avx.LoadVector256(bk1 + 0);
                Vector256<float> b1 = Avx.LoadVector256(bk1 + 8);
                Vector256<float> va0 = Vector256.Create(ak1[0]);
                c00 = Fma.MultiplyAdd(va0, b0, c00);
                c01 = Fma.MultiplyAdd(va0, b1, c01);
                Vector256<float> va1 = Vector256.Create(ak1[1]);
                c10 = Fma.MultiplyAdd(va1, b0, c10);
                c11 = Fma.MultiplyAdd(va1, b1, c11);
                Vector256<float> va2 = Vector256.Create(ak1[2]);
                c20 = Fma.MultiplyAdd(va2, b0, c20);
                c21 = Fma.MultiplyAdd(va2, b1, c21);
                Vector256<float> va3 = Vector256.Create(ak1[3]);
                c30 = Fma.MultiplyAdd(va3, b0, c30);
                c31 = Fma.MultiplyAdd(va3, b1, c31);
                Vector256<float> va4 = Vector256.Create(ak1[4]);
                c40 = Fma.MultiplyAdd(va4, b0, c40);
                c41 = Fma.MultiplyAdd(va4, b1, c41);
                Vector256<float> va5 = Vector256.Create(ak1[5]);
                c50 = Fma.MultiplyAdd(va5, b0, c50);
                c51 = Fma.MultiplyAdd(va5, b1, c51);
            }

            {
                Vector256<float> b0 = Avx.LoadVector256(bk2 + 0);
                Vector256<float> b1 = Avx.LoadVector256(bk2 + 8);
                Vector256<float> va0 = Vector256.Create(ak2[0]);
                c00 = Fma.MultiplyAdd(va0, b0, c00);
                c01 = Fma.MultiplyAdd(va0, b1, c01);
                Vector256<float> va1 = Vector256.Create(ak2[1]);
                c10 = Fma.MultiplyAdd(va1, b0, c10);
                c11 = Fma.MultiplyAdd(va1, b1, c11);
                Vector256<float> va2 = Vector256.Create(ak2[2]);
                c20 = Fma.MultiplyAdd(va2, b0, c20);
                c21 = Fma.MultiplyAdd(va2, b1, c21);
                Vector256<float> va3 = Vector256.Create(ak2[3]);
                c30 = Fma.MultiplyAdd(va3, b0, c30);
                c31 = Fma.MultiplyAdd(va3, b1, c31);
                Vector256<float> va4 = Vector256.Create(ak2[4]);
                c40 = Fma.MultiplyAdd(va4, b0, c40);
                c41 = Fma.MultiplyAdd(va4, b1, c41);
                Vector256<float> va5 = Vector256.Create(ak2[5]);
                c50 = Fma.MultiplyAdd(va5, b0, c50);
                c51 = Fma.MultiplyAdd(va5, b1, c51);
            }

            {
                Vector256<float> b0 = Avx.LoadVector256(bk3 + 0);
                Vector256<float> b1 = Avx.LoadVector256(bk3 + 8);
                Vector256<float> va0 = Vector256.Create(ak3[0]);
                c00 = Fma.MultiplyAdd(va0, b0, c00);
                c01 = Fma.MultiplyAdd(va0, b1, c01);
                Vector256<float> va1 = Vector256.Create(ak3[1]);
                c10 = Fma.MultiplyAdd(va1, b0, c10);
                c11 = Fma.MultiplyAdd(va1, b1, c11);
                Vector256<float> va2 = Vector256.Create(ak3[2]);
                c20 = Fma.MultiplyAdd(va2, b0, c20);
                c21 = Fma.MultiplyAdd(va2, b1, c21);
                Vector256<float> va3 = Vector256.Create(ak3[3]);
                c30 = Fma.MultiplyAdd(va3, b0, c30);
                c31 = Fma.MultiplyAdd(va3, b1, c31);
                Vector256<float> va4 = Vector256.Create(ak3[4]);
                c40 = Fma.MultiplyAdd(va4, b0, c40);
                c41 = Fma.MultiplyAdd(va4, b1, c41);
                Vector256<float> va5 = Vector256.Create(ak3[5]);
                c50 = Fma.MultiplyAdd(va5, b0, c50);
                c51 = Fma.MultiplyAdd(va5, b1, c51);
            }

            a += 4 * ldaK;
            b += 4 * ldbK;
        }

        for (; p < kc; p++)
        {
            Vector256<float> b0 = Avx.LoadVector256(b + 0);
            Vector256<float> b1 = Avx.LoadVector256(b + 8);
            Vector256<float> va0 = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(va0, b0, c00);
            c01 = Fma.MultiplyAdd(va0, b1, c01);
            Vector256<float> va1 = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(va1, b0, c10);
            c11 = Fma.MultiplyAdd(va1, b1, c11);
            Vector256<float> va2 = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(va2, b0, c20);
            c21 = Fma.MultiplyAdd(va2, b1, c21);
            Vector256<float> va3 = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(va3, b0, c30);
            c31 = Fma.MultiplyAdd(va3, b1, c31);
            Vector256<float> va4 = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(va4, b0, c40);
            c41 = Fma.MultiplyAdd(va4, b1, c41);
            Vector256<float> va5 = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(va5, b0, c50);
            c51 = Fma.MultiplyAdd(va5, b1, c51);
            a += ldaK;
            b += ldbK;
        }

        Vector256<float> valpha = Vector256.Create(alpha);
        if (beta == 0f)
        {
            (c00 * valpha).Store(c + 0 * ldc + 0);
            (c01 * valpha).Store(c + 0 * ldc + 8);
            (c10 * valpha).Store(c + 1 * ldc + 0);
            (c11 * valpha).Store(c + 1 * ldc + 8);
            (c20 * valpha).Store(c + 2 * ldc + 0);
            (c21 * valpha).Store(c + 2 * ldc + 8);
            (c30 * valpha).Store(c + 3 * ldc + 0);
            (c31 * valpha).Store(c + 3 * ldc + 8);
            (c40 * valpha).Store(c + 4 * ldc + 0);
            (c41 * valpha).Store(c + 4 * ldc + 8);
            (c50 * valpha).Store(c + 5 * ldc + 0);
            (c51 * valpha).Store(c + 5 * ldc + 8);
        }
        else
        {
            Vector256<float> vbeta = Vector256.Create(beta);
            Fma.MultiplyAdd(Vector256.Load(c + 0 * ldc + 0), vbeta, c00 * valpha).Store(c + 0 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 0 * ldc + 8), vbeta, c01 * valpha).Store(c + 0 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 1 * ldc + 0), vbeta, c10 * valpha).Store(c + 1 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 1 * ldc + 8), vbeta, c11 * valpha).Store(c + 1 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 2 * ldc + 0), vbeta, c20 * valpha).Store(c + 2 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 2 * ldc + 8), vbeta, c21 * valpha).Store(c + 2 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 3 * ldc + 0), vbeta, c30 * valpha).Store(c + 3 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 3 * ldc + 8), vbeta, c31 * valpha).Store(c + 3 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 4 * ldc + 0), vbeta, c40 * valpha).Store(c + 4 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 4 * ldc + 8), vbeta, c41 * valpha).Store(c + 4 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 5 * ldc + 0), vbeta, c50 * valpha).Store(c + 5 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 5 * ldc + 8), vbeta, c51 * valpha).Store(c + 5 * ldc + 8);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ComputeRowsA(int kc, float** rows, nint off, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default; Vector256<float> c01 = default;
        Vector256<float> c10 = default; Vector256<float> c11 = default;
        Vector256<float> c20 = default; Vector256<float> c21 = default;
        Vector256<float> c30 = default; Vector256<float> c31 = default;
        Vector256<float> c40 = default; Vector256<float> c41 = default;
        Vector256<float> c50 = default; Vector256<float> c51 = default;
        if (Sse.IsSupported)
        {
            // NOTE: C is touched only after the depth loop; fetching its lines now hides the misses.
            Sse.Prefetch0(c + 0 * ldc);
            Sse.Prefetch0(c + 0 * ldc + 15);
            Sse.Prefetch0(c + 1 * ldc);
            Sse.Prefetch0(c + 1 * ldc + 15);
            Sse.Prefetch0(c + 2 * ldc);
            Sse.Prefetch0(c + 2 * ldc + 15);
            Sse.Prefetch0(c + 3 * ldc);
            Sse.Prefetch0(c + 3 * ldc + 15);
            Sse.Prefetch0(c + 4 * ldc);
            Sse.Prefetch0(c + 4 * ldc + 15);
            Sse.Prefetch0(c + 5 * ldc);
            Sse.Prefetch0(c + 5 * ldc + 15);
        }

        float* a0 = rows[0] + off;
        float* a1 = rows[1] + off;
        float* a2 = rows[2] + off;
        float* a3 = rows[3] + off;
        float* a4 = rows[4] + off;
        float* a5 = rows[5] + off;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            float* bk1 = b + 1 * ldbK;
            float* bk2 = b + 2 * ldbK;
            float* bk3 = b + 3 * ldbK;
            {
                Vector256<float> b0 = Avx.LoadVector256(b + 0);
                Vector256<float> b1 = Avx.LoadVector256(b + 8);
                Vector256<float> va0 = Vector256.Create(a0[0]);
                c00 = Fma.MultiplyAdd(va0, b0, c00);
                c01 = Fma.MultiplyAdd(va0, b1, c01);
                Vector256<float> va1 = Vector256.Create(a1[0]);
                c10 = Fma.MultiplyAdd(va1, b0, c10);
                c11 = Fma.MultiplyAdd(va1, b1, c11);
                Vector256<float> va2 = Vector256.Create(a2[0]);
                c20 = Fma.MultiplyAdd(va2, b0, c20);
                c21 = Fma.MultiplyAdd(va2, b1, c21);
                Vector256<float> va3 = Vector256.Create(a3[0]);
                c30 = Fma.MultiplyAdd(va3, b0, c30);
                c31 = Fma.MultiplyAdd(va3, b1, c31);
                Vector256<float> va4 = Vector256.Create(a4[0]);
                c40 = Fma.MultiplyAdd(va4, b0, c40);
                c41 = Fma.MultiplyAdd(va4, b1, c41);
                Vector256<float> va5 = Vector256.Create(a5[0]);
                c50 = Fma.MultiplyAdd(va5, b0, c50);
                c51 = Fma.MultiplyAdd(va5, b1, c51);
            }

            {
                Vector256<float> b0 = Avx.LoadVector256(bk1 + 0);
                Vector256<float> b1 = Avx.LoadVector256(bk1 + 8);
                Vector256<float> va0 = Vector256.Create(a0[1]);
                c00 = Fma.MultiplyAdd(va0, b0, c00);
                c01 = Fma.MultiplyAdd(va0, b1, c01);
                Vector256<float> va1 = Vector256.Create(a1[1]);
                c10 = Fma.MultiplyAdd(va1, b0, c10);
                c11 = Fma.MultiplyAdd(va1, b1, c11);
                Vector256<float> va2 = Vector256.Create(a2[1]);
                c20 = Fma.MultiplyAdd(va2, b0, c20);
                c21 = Fma.MultiplyAdd(va2, b1, c21);
                Vector256<float> va3 = Vector256.Create(a3[1]);
                c30 = Fma.MultiplyAdd(va3, b0, c30);
                c31 = Fma.MultiplyAdd(va3, b1, c31);
                Vector256<float> va4 = Vector256.Create(a4[1]);
                c40 = Fma.MultiplyAdd(va4, b0, c40);
                c41 = Fma.MultiplyAdd(va4, b1, c41);
                Vector256<float> va5 = Vector256.Create(a5[1]);
                c50 = Fma.MultiplyAdd(va5, b0, c50);
                c51 = Fma.MultiplyAdd(va5, b1, c51);
            }

            {
                Vector256<float> b0 = Avx.LoadVector256(bk2 + 0);
                Vector256<float> b1 = Avx.LoadVector256(bk2 + 8);
                Vector256<float> va0 = Vector256.Create(a0[2]);
                c00 = Fma.MultiplyAdd(va0, b0, c00);
                c01 = Fma.MultiplyAdd(va0, b1, c01);
                Vector256<float> va1 = Vector256.Create(a1[2]);
                c10 = Fma.MultiplyAdd(va1, b0, c10);
                c11 = Fma.MultiplyAdd(va1, b1, c11);
                Vector256<float> va2 = Vector256.Create(a2[2]);
                c20 = Fma.MultiplyAdd(va2, b0, c20);
                c21 = Fma.MultiplyAdd(va2, b1, c21);
                Vector256<float> va3 = Vector256.Create(a3[2]);
                c30 = Fma.MultiplyAdd(va3, b0, c30);
                c31 = Fma.MultiplyAdd(va3, b1, c31);
                Vector256<float> va4 = Vector256.Create(a4[2]);
                c40 = Fma.MultiplyAdd(va4, b0, c40);
                c41 = Fma.MultiplyAdd(va4, b1, c41);
                Vector256<float> va5 = Vector256.Create(a5[2]);
                c50 = Fma.MultiplyAdd(va5, b0, c50);
                c51 = Fma.MultiplyAdd(va5, b1, c51);
            }

            {
                Vector256<float> b0 = Avx.LoadVector256(bk3 + 0);
                Vector256<float> b1 = Avx.LoadVector256(bk3 + 8);
                Vector256<float> va0 = Vector256.Create(a0[3]);
                c00 = Fma.MultiplyAdd(va0, b0, c00);
                c01 = Fma.MultiplyAdd(va0, b1, c01);
                Vector256<float> va1 = Vector256.Create(a1[3]);
                c10 = Fma.MultiplyAdd(va1, b0, c10);
                c11 = Fma.MultiplyAdd(va1, b1, c11);
                Vector256<float> va2 = Vector256.Create(a2[3]);
                c20 = Fma.MultiplyAdd(va2, b0, c20);
                c21 = Fma.MultiplyAdd(va2, b1, c21);
                Vector256<float> va3 = Vector256.Create(a3[3]);
                c30 = Fma.MultiplyAdd(va3, b0, c30);
                c31 = Fma.MultiplyAdd(va3, b1, c31);
                Vector256<float> va4 = Vector256.Create(a4[3]);
                c40 = Fma.MultiplyAdd(va4, b0, c40);
                c41 = Fma.MultiplyAdd(va4, b1, c41);
                Vector256<float> va5 = Vector256.Create(a5[3]);
                c50 = Fma.MultiplyAdd(va5, b0, c50);
                c51 = Fma.MultiplyAdd(va5, b1, c51);
            }

            a0 += 4;
            a1 += 4;
            a2 += 4;
            a3 += 4;
            a4 += 4;
            a5 += 4;
            b += 4 * ldbK;
        }

        for (; p < kc; p++)
        {
            Vector256<float> b0 = Avx.LoadVector256(b + 0);
            Vector256<float> b1 = Avx.LoadVector256(b + 8);
            Vector256<float> va0 = Vector256.Create(a0[0]);
            c00 = Fma.MultiplyAdd(va0, b0, c00);
            c01 = Fma.MultiplyAdd(va0, b1, c01);
            Vector256<float> va1 = Vector256.Create(a1[0]);
            c10 = Fma.MultiplyAdd(va1, b0, c10);
            c11 = Fma.MultiplyAdd(va1, b1, c11);
            Vector256<float> va2 = Vector256.Create(a2[0]);
            c20 = Fma.MultiplyAdd(va2, b0, c20);
            c21 = Fma.MultiplyAdd(va2, b1, c21);
            Vector256<float> va3 = Vector256.Create(a3[0]);
            c30 = Fma.MultiplyAdd(va3, b0, c30);
            c31 = Fma.MultiplyAdd(va3, b1, c31);
            Vector256<float> va4 = Vector256.Create(a4[0]);
            c40 = Fma.MultiplyAdd(va4, b0, c40);
            c41 = Fma.MultiplyAdd(va4, b1, c41);
            Vector256<float> va5 = Vector256.Create(a5[0]);
            c50 = Fma.MultiplyAdd(va5, b0, c50);
            c51 = Fma.MultiplyAdd(va5, b1, c51);
            a0++;
            a1++;
            a2++;
            a3++;
            a4++;
            a5++;
            b += ldbK;
        }

        Vector256<float> valpha = Vector256.Create(alpha);
        if (beta == 0f)
        {
            (c00 * valpha).Store(c + 0 * ldc + 0);
            (c01 * valpha).Store(c + 0 * ldc + 8);
            (c10 * valpha).Store(c + 1 * ldc + 0);
            (c11 * valpha).Store(c + 1 * ldc + 8);
            (c20 * valpha).Store(c + 2 * ldc + 0);
            (c21 * valpha).Store(c + 2 * ldc + 8);
            (c30 * valpha).Store(c + 3 * ldc + 0);
            (c31 * valpha).Store(c + 3 * ldc + 8);
            (c40 * valpha).Store(c + 4 * ldc + 0);
            (c41 * valpha).Store(c + 4 * ldc + 8);
            (c50 * valpha).Store(c + 5 * ldc + 0);
            (c51 * valpha).Store(c + 5 * ldc + 8);
        }
        else
        {
            Vector256<float> vbeta = Vector256.Create(beta);
            Fma.MultiplyAdd(Vector256.Load(c + 0 * ldc + 0), vbeta, c00 * valpha).Store(c + 0 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 0 * ldc + 8), vbeta, c01 * valpha).Store(c + 0 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 1 * ldc + 0), vbeta, c10 * valpha).Store(c + 1 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 1 * ldc + 8), vbeta, c11 * valpha).Store(c + 1 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 2 * ldc + 0), vbeta, c20 * valpha).Store(c + 2 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 2 * ldc + 8), vbeta, c21 * valpha).Store(c + 2 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 3 * ldc + 0), vbeta, c30 * valpha).Store(c + 3 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 3 * ldc + 8), vbeta, c31 * valpha).Store(c + 3 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 4 * ldc + 0), vbeta, c40 * valpha).Store(c + 4 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 4 * ldc + 8), vbeta, c41 * valpha).Store(c + 4 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 5 * ldc + 0), vbeta, c50 * valpha).Store(c + 5 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 5 * ldc + 8), vbeta, c51 * valpha).Store(c + 5 * ldc + 8);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ComputeDepthA(int kc, float** depthRows, nint off, float* b, nint ldbK, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default; Vector256<float> c01 = default;
        Vector256<float> c10 = default; Vector256<float> c11 = default;
        Vector256<float> c20 = default; Vector256<float> c21 = default;
        Vector256<float> c30 = default; Vector256<float> c31 = default;
        Vector256<float> c40 = default; Vector256<float> c41 = default;
        Vector256<float> c50 = default; Vector256<float> c51 = default;
        if (Sse.IsSupported)
        {
            // NOTE: C is touched only after the depth loop; fetching its lines now hides the misses.
            Sse.Prefetch0(c + 0 * ldc);
            Sse.Prefetch0(c + 0 * ldc + 15);
            Sse.Prefetch0(c + 1 * ldc);
            Sse.Prefetch0(c + 1 * ldc + 15);
            Sse.Prefetch0(c + 2 * ldc);
            Sse.Prefetch0(c + 2 * ldc + 15);
            Sse.Prefetch0(c + 3 * ldc);
            Sse.Prefetch0(c + 3 * ldc + 15);
            Sse.Prefetch0(c + 4 * ldc);
            Sse.Prefetch0(c + 4 * ldc + 15);
            Sse.Prefetch0(c + 5 * ldc);
            Sse.Prefetch0(c + 5 * ldc + 15);
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
                Vector256<float> b0 = Avx.LoadVector256(b + 0);
                Vector256<float> b1 = Avx.LoadVector256(b + 8);
                Vector256<float> va0 = Vector256.Create(ad0[0]);
                c00 = Fma.MultiplyAdd(va0, b0, c00);
                c01 = Fma.MultiplyAdd(va0, b1, c01);
                Vector256<float> va1 = Vector256.Create(ad0[1]);
                c10 = Fma.MultiplyAdd(va1, b0, c10);
                c11 = Fma.MultiplyAdd(va1, b1, c11);
                Vector256<float> va2 = Vector256.Create(ad0[2]);
                c20 = Fma.MultiplyAdd(va2, b0, c20);
                c21 = Fma.MultiplyAdd(va2, b1, c21);
                Vector256<float> va3 = Vector256.Create(ad0[3]);
                c30 = Fma.MultiplyAdd(va3, b0, c30);
                c31 = Fma.MultiplyAdd(va3, b1, c31);
                Vector256<float> va4 = Vector256.Create(ad0[4]);
                c40 = Fma.MultiplyAdd(va4, b0, c40);
                c41 = Fma.MultiplyAdd(va4, b1, c41);
                Vector256<float> va5 = Vector256.Create(ad0[5]);
                c50 = Fma.MultiplyAdd(va5, b0, c50);
                c51 = Fma.MultiplyAdd(va5, b1, c51);
            }

            {
                Vector256<float> b0 = Avx.LoadVector256(bk1 + 0);
                Vector256<float> b1 = Avx.LoadVector256(bk1 + 8);
                Vector256<float> va0 = Vector256.Create(ad1[0]);
                c00 = Fma.MultiplyAdd(va0, b0, c00);
                c01 = Fma.MultiplyAdd(va0, b1, c01);
                Vector256<float> va1 = Vector256.Create(ad1[1]);
                c10 = Fma.MultiplyAdd(va1, b0, c10);
                c11 = Fma.MultiplyAdd(va1, b1, c11);
                Vector256<float> va2 = Vector256.Create(ad1[2]);
                c20 = Fma.MultiplyAdd(va2, b0, c20);
                c21 = Fma.MultiplyAdd(va2, b1, c21);
                Vector256<float> va3 = Vector256.Create(ad1[3]);
                c30 = Fma.MultiplyAdd(va3, b0, c30);
                c31 = Fma.MultiplyAdd(va3, b1, c31);
                Vector256<float> va4 = Vector256.Create(ad1[4]);
                c40 = Fma.MultiplyAdd(va4, b0, c40);
                c41 = Fma.MultiplyAdd(va4, b1, c41);
                Vector256<float> va5 = Vector256.Create(ad1[5]);
                c50 = Fma.MultiplyAdd(va5, b0, c50);
                c51 = Fma.MultiplyAdd(va5, b1, c51);
            }

            {
                Vector256<float> b0 = Avx.LoadVector256(bk2 + 0);
                Vector256<float> b1 = Avx.LoadVector256(bk2 + 8);
                Vector256<float> va0 = Vector256.Create(ad2[0]);
                c00 = Fma.MultiplyAdd(va0, b0, c00);
                c01 = Fma.MultiplyAdd(va0, b1, c01);
                Vector256<float> va1 = Vector256.Create(ad2[1]);
                c10 = Fma.MultiplyAdd(va1, b0, c10);
                c11 = Fma.MultiplyAdd(va1, b1, c11);
                Vector256<float> va2 = Vector256.Create(ad2[2]);
                c20 = Fma.MultiplyAdd(va2, b0, c20);
                c21 = Fma.MultiplyAdd(va2, b1, c21);
                Vector256<float> va3 = Vector256.Create(ad2[3]);
                c30 = Fma.MultiplyAdd(va3, b0, c30);
                c31 = Fma.MultiplyAdd(va3, b1, c31);
                Vector256<float> va4 = Vector256.Create(ad2[4]);
                c40 = Fma.MultiplyAdd(va4, b0, c40);
                c41 = Fma.MultiplyAdd(va4, b1, c41);
                Vector256<float> va5 = Vector256.Create(ad2[5]);
                c50 = Fma.MultiplyAdd(va5, b0, c50);
                c51 = Fma.MultiplyAdd(va5, b1, c51);
            }

            {
                Vector256<float> b0 = Avx.LoadVector256(bk3 + 0);
                Vector256<float> b1 = Avx.LoadVector256(bk3 + 8);
                Vector256<float> va0 = Vector256.Create(ad3[0]);
                c00 = Fma.MultiplyAdd(va0, b0, c00);
                c01 = Fma.MultiplyAdd(va0, b1, c01);
                Vector256<float> va1 = Vector256.Create(ad3[1]);
                c10 = Fma.MultiplyAdd(va1, b0, c10);
                c11 = Fma.MultiplyAdd(va1, b1, c11);
                Vector256<float> va2 = Vector256.Create(ad3[2]);
                c20 = Fma.MultiplyAdd(va2, b0, c20);
                c21 = Fma.MultiplyAdd(va2, b1, c21);
                Vector256<float> va3 = Vector256.Create(ad3[3]);
                c30 = Fma.MultiplyAdd(va3, b0, c30);
                c31 = Fma.MultiplyAdd(va3, b1, c31);
                Vector256<float> va4 = Vector256.Create(ad3[4]);
                c40 = Fma.MultiplyAdd(va4, b0, c40);
                c41 = Fma.MultiplyAdd(va4, b1, c41);
                Vector256<float> va5 = Vector256.Create(ad3[5]);
                c50 = Fma.MultiplyAdd(va5, b0, c50);
                c51 = Fma.MultiplyAdd(va5, b1, c51);
            }

            b += 4 * ldbK;
        }

        for (; p < kc; p++)
        {
            float* ad0 = depthRows[p] + off;
            Vector256<float> b0 = Avx.LoadVector256(b + 0);
            Vector256<float> b1 = Avx.LoadVector256(b + 8);
            Vector256<float> va0 = Vector256.Create(ad0[0]);
            c00 = Fma.MultiplyAdd(va0, b0, c00);
            c01 = Fma.MultiplyAdd(va0, b1, c01);
            Vector256<float> va1 = Vector256.Create(ad0[1]);
            c10 = Fma.MultiplyAdd(va1, b0, c10);
            c11 = Fma.MultiplyAdd(va1, b1, c11);
            Vector256<float> va2 = Vector256.Create(ad0[2]);
            c20 = Fma.MultiplyAdd(va2, b0, c20);
            c21 = Fma.MultiplyAdd(va2, b1, c21);
            Vector256<float> va3 = Vector256.Create(ad0[3]);
            c30 = Fma.MultiplyAdd(va3, b0, c30);
            c31 = Fma.MultiplyAdd(va3, b1, c31);
            Vector256<float> va4 = Vector256.Create(ad0[4]);
            c40 = Fma.MultiplyAdd(va4, b0, c40);
            c41 = Fma.MultiplyAdd(va4, b1, c41);
            Vector256<float> va5 = Vector256.Create(ad0[5]);
            c50 = Fma.MultiplyAdd(va5, b0, c50);
            c51 = Fma.MultiplyAdd(va5, b1, c51);
            b += ldbK;
        }

        Vector256<float> valpha = Vector256.Create(alpha);
        if (beta == 0f)
        {
            (c00 * valpha).Store(c + 0 * ldc + 0);
            (c01 * valpha).Store(c + 0 * ldc + 8);
            (c10 * valpha).Store(c + 1 * ldc + 0);
            (c11 * valpha).Store(c + 1 * ldc + 8);
            (c20 * valpha).Store(c + 2 * ldc + 0);
            (c21 * valpha).Store(c + 2 * ldc + 8);
            (c30 * valpha).Store(c + 3 * ldc + 0);
            (c31 * valpha).Store(c + 3 * ldc + 8);
            (c40 * valpha).Store(c + 4 * ldc + 0);
            (c41 * valpha).Store(c + 4 * ldc + 8);
            (c50 * valpha).Store(c + 5 * ldc + 0);
            (c51 * valpha).Store(c + 5 * ldc + 8);
        }
        else
        {
            Vector256<float> vbeta = Vector256.Create(beta);
            Fma.MultiplyAdd(Vector256.Load(c + 0 * ldc + 0), vbeta, c00 * valpha).Store(c + 0 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 0 * ldc + 8), vbeta, c01 * valpha).Store(c + 0 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 1 * ldc + 0), vbeta, c10 * valpha).Store(c + 1 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 1 * ldc + 8), vbeta, c11 * valpha).Store(c + 1 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 2 * ldc + 0), vbeta, c20 * valpha).Store(c + 2 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 2 * ldc + 8), vbeta, c21 * valpha).Store(c + 2 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 3 * ldc + 0), vbeta, c30 * valpha).Store(c + 3 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 3 * ldc + 8), vbeta, c31 * valpha).Store(c + 3 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 4 * ldc + 0), vbeta, c40 * valpha).Store(c + 4 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 4 * ldc + 8), vbeta, c41 * valpha).Store(c + 4 * ldc + 8);
            Fma.MultiplyAdd(Vector256.Load(c + 5 * ldc + 0), vbeta, c50 * valpha).Store(c + 5 * ldc + 0);
            Fma.MultiplyAdd(Vector256.Load(c + 5 * ldc + 8), vbeta, c51 * valpha).Store(c + 5 * ldc + 8);
        }
    }
}
