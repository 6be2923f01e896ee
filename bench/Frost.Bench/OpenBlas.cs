using System.Runtime.InteropServices;

namespace Frost.Bench;

/// <summary>Optional comparison against a system OpenBLAS (bench only), loaded at run time if present.</summary>
internal static unsafe class OpenBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;
    private static delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> s_sgemm;
    private static delegate* unmanaged<int, void> s_setThreads;

    public static string? LoadedFrom { get; private set; }

    /// <summary>The kernel family OpenBLAS picked (it can misdetect CPUs under a hypervisor; OPENBLAS_CORETYPE overrides).</summary>
    public static string CoreName { get; private set; } = "?";

    public static bool TryLoad()
    {
        if (LoadedFrom is not null)
        {
            return true;
        }

        foreach (string name in new[] { "libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0", "libopenblas.dylib", "libopenblas.dll" })
        {
            if (NativeLibrary.TryLoad(name, out nint handle)
                && NativeLibrary.TryGetExport(handle, "cblas_sgemm", out nint sgemm))
            {
                s_sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
                if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out nint set))
                {
                    s_setThreads = (delegate* unmanaged<int, void>)set;
                }

                if (NativeLibrary.TryGetExport(handle, "openblas_get_corename", out nint core))
                {
                    CoreName = Marshal.PtrToStringUTF8(((delegate* unmanaged<nint>)core)()) ?? "?";
                }

                LoadedFrom = name;
                return true;
            }
        }

        return false;
    }

    public static void SetThreads(int n)
    {
        if (s_setThreads != null)
        {
            s_setThreads(n);
        }
    }

    public static void Sgemm(bool ta, bool tb, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            s_sgemm(RowMajor, ta ? Trans : NoTrans, tb ? Trans : NoTrans, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }
}
