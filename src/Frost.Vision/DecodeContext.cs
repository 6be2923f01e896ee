namespace Frost.Vision;

/// <summary>Per-thread reusable buffers for decoding and resampling; never shared between threads.</summary>
internal sealed class DecodeContext
{
    /// <summary>Buffers larger than this are dropped after each example instead of kept for the next.</summary>
    private const long KeepLimitBytes = 64L << 20;

    private byte[] _file = [];
    private byte[] _pixels = [];

    public DecodeContext(ImagePipelineOptions options) => Options = options;

    public ImagePipelineOptions Options { get; }

    public Resampler Resampler { get; } = new();

    /// <summary>A buffer of at least <paramref name="length"/> bytes for a file's contents.</summary>
    public byte[] FileBuffer(int length) => _file.Length >= length ? _file : _file = new byte[Grow(length)];

    /// <summary>A buffer of at least <paramref name="length"/> bytes for decoded RGBA pixels.</summary>
    public byte[] PixelBuffer(int length) => _pixels.Length >= length ? _pixels : _pixels = GC.AllocateUninitializedArray<byte>(Grow(length));

    /// <summary>Lets go of buffers that one unusually large image made big.</summary>
    public void Trim()
    {
        if (_file.Length > KeepLimitBytes)
        {
            _file = [];
        }

        if (_pixels.Length > KeepLimitBytes)
        {
            _pixels = [];
        }

        Resampler.Trim(KeepLimitBytes);
    }

    private static int Grow(int length) => (int)Math.Min(Array.MaxLength, Math.Max(length, 4096L) * 5 / 4);
}
