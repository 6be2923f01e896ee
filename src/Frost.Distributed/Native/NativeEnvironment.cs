using System.Runtime.InteropServices;
using System.Text;

namespace Frost.Distributed.Native;

/// <summary>
/// Sets variables in the native process environment, which MPI libraries read during initialization
/// (.NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach native code on Unix).
/// </summary>
internal static unsafe class NativeEnvironment
{
    /// <summary>
    /// Sets <paramref name="name"/> unless it is already set. Returns false where the C library's
    /// <c>setenv</c> is not found (not a glibc or musl system), which callers treat as "nothing to do".
    /// </summary>
    public static bool SetDefault(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is not null)
        {
            return true;
        }

        foreach (string libc in new[] { "libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1" })
        {
            if (NativeLibrary.TryLoad(libc, out nint handle) && NativeLibrary.TryGetExport(handle, "setenv", out nint address))
            {
                var setenv = (delegate* unmanaged<byte*, byte*, int, int>)address;
                byte[] n = Encoding.UTF8.GetBytes(name + "\0"), v = Encoding.UTF8.GetBytes(value + "\0");
                fixed (byte* pn = n, pv = v)
                {
                    return setenv(pn, pv, 0) == 0;
                }
            }
        }

        return false;
    }
}
