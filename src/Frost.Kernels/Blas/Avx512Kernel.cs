using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Frost.Kernels.Blas;

/// <summary>12×32 register-blocked micro-kernel on <see cref="Vector512{T}"/> with AVX-512 FMA (24 accumulators).</summary>
internal unsafe struct Avx512Kernel : IMicroKernel
{
    /// <inheritdoc/>
    public static GemmPath Path => GemmPath.Avx512;
    /// <inheritdoc/>
    public static int MR => 12;
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
    public static void Compute(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default; Vector512<float> c01 = default;
        Vector512<float> c10 = default; Vector512<float> c11 = default;
        Vector512<float> c20 = default; Vector512<float> c21 = default;
        Vector512<float> c30 = default; Vector512<float> c31 = default;
        Vector512<float> c40 = default; Vector512<float> c41 = default;
        Vector512<float> c50 = default; Vector512<float> c51 = default;
        Vector512<float> c60 = default; Vector512<float> c61 = default;
        Vector512<float> c70 = default; Vector512<float> c71 = default;
        Vector512<float> c80 = default; Vector512<float> c81 = default;
        Vector512<float> c90 = default; Vector512<float> c91 = default;
        Vector512<float> c100 = default; Vector512<float> c101 = default;
        Vector512<float> c110 = default; Vector512<float> c111 = default;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            {
                Vector512<float> b0 = Vector512.Load(b + 0);
                Vector512<float> b1 = Vector512.Load(b + 16);
                Vector512<float> a0 = Vector512.Create(a[0]);
                c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
                Vector512<float> a1 = Vector512.Create(a[1]);
                c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
                Vector512<float> a2 = Vector512.Create(a[2]);
                c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
                Vector512<float> a3 = Vector512.Create(a[3]);
                c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
                Vector512<float> a4 = Vector512.Create(a[4]);
                c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
                Vector512<float> a5 = Vector512.Create(a[5]);
                c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
                Vector512<float> a6 = Vector512.Create(a[6]);
                c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
                Vector512<float> a7 = Vector512.Create(a[7]);
                c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
                Vector512<float> a8 = Vector512.Create(a[8]);
                c80 = Avx512F.FusedMultiplyAdd(a8, b0, c80);
                c81 = Avx512F.FusedMultiplyAdd(a8, b1, c81);
                Vector512<float> a9 = Vector512.Create(a[9]);
                c90 = Avx512F.FusedMultiplyAdd(a9, b0, c90);
                c91 = Avx512F.FusedMultiplyAdd(a9, b1, c91);
                Vector512<float> a10 = Vector512.Create(a[10]);
                c100 = Avx512F.FusedMultiplyAdd(a10, b0, c100);
                c101 = Avx512F.FusedMultiplyAdd(a10, b1, c101);
                Vector512<float> a11 = Vector512.Create(a[11]);
                c110 = Avx512F.FusedMultiplyAdd(a11, b0, c110);
                c111 = Avx512F.FusedMultiplyAdd(a11, b1, c111);
            }

            {
                Vector512<float> b0 = Vector512.Load(b + 32);
                Vector512<float> b1 = Vector512.Load(b + 48);
                Vector512<float> a0 = Vector512.Create(a[12]);
                c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
                Vector512<float> a1 = Vector512.Create(a[13]);
                c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
                Vector512<float> a2 = Vector512.Create(a[14]);
                c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
                Vector512<float> a3 = Vector512.Create(a[15]);
                c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
                Vector512<float> a4 = Vector512.Create(a[16]);
                c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
                Vector512<float> a5 = Vector512.Create(a[17]);
                c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
                Vector512<float> a6 = Vector512.Create(a[18]);
                c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
                Vector512<float> a7 = Vector512.Create(a[19]);
                c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
                Vector512<float> a8 = Vector512.Create(a[20]);
                c80 = Avx512F.FusedMultiplyAdd(a8, b0, c80);
                c81 = Avx512F.FusedMultiplyAdd(a8, b1, c81);
                Vector512<float> a9 = Vector512.Create(a[21]);
                c90 = Avx512F.FusedMultiplyAdd(a9, b0, c90);
                c91 = Avx512F.FusedMultiplyAdd(a9, b1, c91);
                Vector512<float> a10 = Vector512.Create(a[22]);
                c100 = Avx512F.FusedMultiplyAdd(a10, b0, c100);
                c101 = Avx512F.FusedMultiplyAdd(a10, b1, c101);
                Vector512<float> a11 = Vector512.Create(a[23]);
                c110 = Avx512F.FusedMultiplyAdd(a11, b0, c110);
                c111 = Avx512F.FusedMultiplyAdd(a11, b1, c111);
            }

            {
                Vector512<float> b0 = Vector512.Load(b + 64);
                Vector512<float> b1 = Vector512.Load(b + 80);
                Vector512<float> a0 = Vector512.Create(a[24]);
                c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
                Vector512<float> a1 = Vector512.Create(a[25]);
                c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
                Vector512<float> a2 = Vector512.Create(a[26]);
                c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
                Vector512<float> a3 = Vector512.Create(a[27]);
                c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
                Vector512<float> a4 = Vector512.Create(a[28]);
                c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
                Vector512<float> a5 = Vector512.Create(a[29]);
                c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
                Vector512<float> a6 = Vector512.Create(a[30]);
                c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
                Vector512<float> a7 = Vector512.Create(a[31]);
                c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
                Vector512<float> a8 = Vector512.Create(a[32]);
                c80 = Avx512F.FusedMultiplyAdd(a8, b0, c80);
                c81 = Avx512F.FusedMultiplyAdd(a8, b1, c81);
                Vector512<float> a9 = Vector512.Create(a[33]);
                c90 = Avx512F.FusedMultiplyAdd(a9, b0, c90);
                c91 = Avx512F.FusedMultiplyAdd(a9, b1, c91);
                Vector512<float> a10 = Vector512.Create(a[34]);
                c100 = Avx512F.FusedMultiplyAdd(a10, b0, c100);
                c101 = Avx512F.FusedMultiplyAdd(a10, b1, c101);
                Vector512<float> a11 = Vector512.Create(a[35]);
                c110 = Avx512F.FusedMultiplyAdd(a11, b0, c110);
                c111 = Avx512F.FusedMultiplyAdd(a11, b1, c111);
            }

            {
                Vector512<float> b0 = Vector512.Load(b + 96);
                Vector512<float> b1 = Vector512.Load(b + 112);
                Vector512<float> a0 = Vector512.Create(a[36]);
                c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
                c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
                Vector512<float> a1 = Vector512.Create(a[37]);
                c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
                c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
                Vector512<float> a2 = Vector512.Create(a[38]);
                c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
                c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
                Vector512<float> a3 = Vector512.Create(a[39]);
                c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
                c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
                Vector512<float> a4 = Vector512.Create(a[40]);
                c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
                c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
                Vector512<float> a5 = Vector512.Create(a[41]);
                c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
                c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
                Vector512<float> a6 = Vector512.Create(a[42]);
                c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
                c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
                Vector512<float> a7 = Vector512.Create(a[43]);
                c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
                c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
                Vector512<float> a8 = Vector512.Create(a[44]);
                c80 = Avx512F.FusedMultiplyAdd(a8, b0, c80);
                c81 = Avx512F.FusedMultiplyAdd(a8, b1, c81);
                Vector512<float> a9 = Vector512.Create(a[45]);
                c90 = Avx512F.FusedMultiplyAdd(a9, b0, c90);
                c91 = Avx512F.FusedMultiplyAdd(a9, b1, c91);
                Vector512<float> a10 = Vector512.Create(a[46]);
                c100 = Avx512F.FusedMultiplyAdd(a10, b0, c100);
                c101 = Avx512F.FusedMultiplyAdd(a10, b1, c101);
                Vector512<float> a11 = Vector512.Create(a[47]);
                c110 = Avx512F.FusedMultiplyAdd(a11, b0, c110);
                c111 = Avx512F.FusedMultiplyAdd(a11, b1, c111);
            }
            a += 48;
            b += 128;
        }

        for (; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b + 0);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
            Vector512<float> a4 = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
            Vector512<float> a5 = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
            Vector512<float> a6 = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
            Vector512<float> a7 = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
            Vector512<float> a8 = Vector512.Create(a[8]);
            c80 = Avx512F.FusedMultiplyAdd(a8, b0, c80);
            c81 = Avx512F.FusedMultiplyAdd(a8, b1, c81);
            Vector512<float> a9 = Vector512.Create(a[9]);
            c90 = Avx512F.FusedMultiplyAdd(a9, b0, c90);
            c91 = Avx512F.FusedMultiplyAdd(a9, b1, c91);
            Vector512<float> a10 = Vector512.Create(a[10]);
            c100 = Avx512F.FusedMultiplyAdd(a10, b0, c100);
            c101 = Avx512F.FusedMultiplyAdd(a10, b1, c101);
            Vector512<float> a11 = Vector512.Create(a[11]);
            c110 = Avx512F.FusedMultiplyAdd(a11, b0, c110);
            c111 = Avx512F.FusedMultiplyAdd(a11, b1, c111);
            a += 12;
            b += 32;
        }

        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            (c00 * va).Store(c + 0 * ldc + 0);
            (c01 * va).Store(c + 0 * ldc + 16);
            (c10 * va).Store(c + 1 * ldc + 0);
            (c11 * va).Store(c + 1 * ldc + 16);
            (c20 * va).Store(c + 2 * ldc + 0);
            (c21 * va).Store(c + 2 * ldc + 16);
            (c30 * va).Store(c + 3 * ldc + 0);
            (c31 * va).Store(c + 3 * ldc + 16);
            (c40 * va).Store(c + 4 * ldc + 0);
            (c41 * va).Store(c + 4 * ldc + 16);
            (c50 * va).Store(c + 5 * ldc + 0);
            (c51 * va).Store(c + 5 * ldc + 16);
            (c60 * va).Store(c + 6 * ldc + 0);
            (c61 * va).Store(c + 6 * ldc + 16);
            (c70 * va).Store(c + 7 * ldc + 0);
            (c71 * va).Store(c + 7 * ldc + 16);
            (c80 * va).Store(c + 8 * ldc + 0);
            (c81 * va).Store(c + 8 * ldc + 16);
            (c90 * va).Store(c + 9 * ldc + 0);
            (c91 * va).Store(c + 9 * ldc + 16);
            (c100 * va).Store(c + 10 * ldc + 0);
            (c101 * va).Store(c + 10 * ldc + 16);
            (c110 * va).Store(c + 11 * ldc + 0);
            (c111 * va).Store(c + 11 * ldc + 16);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 0 * ldc + 0), vb, (c00 * va)).Store(c + 0 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 0 * ldc + 16), vb, (c01 * va)).Store(c + 0 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 1 * ldc + 0), vb, (c10 * va)).Store(c + 1 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 1 * ldc + 16), vb, (c11 * va)).Store(c + 1 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 2 * ldc + 0), vb, (c20 * va)).Store(c + 2 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 2 * ldc + 16), vb, (c21 * va)).Store(c + 2 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 3 * ldc + 0), vb, (c30 * va)).Store(c + 3 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 3 * ldc + 16), vb, (c31 * va)).Store(c + 3 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 4 * ldc + 0), vb, (c40 * va)).Store(c + 4 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 4 * ldc + 16), vb, (c41 * va)).Store(c + 4 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 5 * ldc + 0), vb, (c50 * va)).Store(c + 5 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 5 * ldc + 16), vb, (c51 * va)).Store(c + 5 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 6 * ldc + 0), vb, (c60 * va)).Store(c + 6 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 6 * ldc + 16), vb, (c61 * va)).Store(c + 6 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 7 * ldc + 0), vb, (c70 * va)).Store(c + 7 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 7 * ldc + 16), vb, (c71 * va)).Store(c + 7 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 8 * ldc + 0), vb, (c80 * va)).Store(c + 8 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 8 * ldc + 16), vb, (c81 * va)).Store(c + 8 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 9 * ldc + 0), vb, (c90 * va)).Store(c + 9 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 9 * ldc + 16), vb, (c91 * va)).Store(c + 9 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 10 * ldc + 0), vb, (c100 * va)).Store(c + 10 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 10 * ldc + 16), vb, (c101 * va)).Store(c + 10 * ldc + 16);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 11 * ldc + 0), vb, (c110 * va)).Store(c + 11 * ldc + 0);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 11 * ldc + 16), vb, (c111 * va)).Store(c + 11 * ldc + 16);
        }
    }
}
