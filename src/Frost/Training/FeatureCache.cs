using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;
using Frost.Data;
using Frost.Freezing;
using Frost.Layers;

namespace Frost.Training;

/// <summary>
/// The outputs of a model's frozen, deterministic leading layers, computed once per example and reused every epoch,
/// so training runs only the rest. Kept in memory up to a budget, beyond it in a memory-mapped temporary file that
/// is deleted when the cache is disposed. Keyed by the prefix length and the fingerprints of its fixed values: a
/// change of plan (e.g. gradual unfreezing) makes the key differ and the learner builds a new cache.
/// </summary>
internal sealed class FeatureCache : IDisposable
{
    private readonly List<FeatureStore> _stores = [];

    private FeatureCache(Sequential model, int prefix, byte[] key)
    {
        Model = model;
        Prefix = prefix;
        Key = key;
    }

    public Sequential Model { get; }

    /// <summary>How many leading children of the model the features replace.</summary>
    public int Prefix { get; }

    public byte[] Key { get; }

    /// <summary>Bytes of features held in memory.</summary>
    public long MemoryBytes => _stores.Where(s => !s.Mapped).Sum(s => s.Bytes);

    /// <summary>Bytes of features held in the temporary file.</summary>
    public long FileBytes => _stores.Where(s => s.Mapped).Sum(s => s.Bytes);

    /// <summary>The cache that applies to <paramref name="model"/> now: its prefix length and key (prefix 0: none applies).</summary>
    public static (int Prefix, byte[] Key) Describe(Sequential model)
    {
        int p = FrozenPrefix.Length(model);

        // The last child produces the logits the loss needs; caching everything leaves nothing to train.
        p = Math.Min(p, model.Children.Count - 1);
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(BitConverter.GetBytes(p));
        foreach (var child in model.Children.Take(p))
        {
            foreach (var v in child.Variables)
            {
                h.AppendData(System.Text.Encoding.UTF8.GetBytes(v.Name));
                h.AppendData(v.FrozenFingerprint ?? FreezePlan.Fingerprint(v));
            }
        }

        return (p, h.GetHashAndReset());
    }

    /// <summary>Computes the features of <paramref name="datasets"/> through the model's first <paramref name="prefix"/> children.</summary>
    public static FeatureCache Build(Sequential model, int prefix, byte[] key, IReadOnlyList<IDataset> datasets, long memoryBudget, int batchSize, Action<string, long, long>? progress)
    {
        var cache = new FeatureCache(model, prefix, key);
        try
        {
            long budget = memoryBudget;
            foreach (var data in datasets)
            {
                var store = cache.Compute(data, budget, batchSize, progress);
                budget -= store.Mapped ? 0 : store.Bytes;
                cache._stores.Add(store);
            }

            return cache;
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    /// <summary>The cached features of <paramref name="data"/> as a dataset, or null when it was not cached.</summary>
    public IDataset? For(IDataset data) => _stores.FirstOrDefault(s => ReferenceEquals(s.Source, data));

    public void Dispose()
    {
        foreach (var s in _stores)
        {
            s.Dispose();
        }

        _stores.Clear();
    }

    private FeatureStore Compute(IDataset data, long budget, int batchSize, Action<string, long, long>? progress)
    {
        var batches = Batches.Indices(data.Count, batchSize).ToList();
        FeatureStore? store = null;
        var modes = Model.CaptureModes();
        try
        {
            Model.Training = false;
            using var noRecord = GradientTape.NoRecording();
            using var reader = data.Read(batches, training: false, epoch: 0).GetEnumerator();
            long done = 0;
            while (true)
            {
                using var scope = new TensorScope();
                if (!reader.MoveNext())
                {
                    break;
                }

                var batch = reader.Current;
                var y = Model.CallRange(batch.Inputs[0], 0, Prefix);
                store ??= FeatureStore.Create(data, y.Shape, budget);
                store.Write(batch.Indices, y.AsReadOnlySpan());
                done += batch.Indices.Length;
                progress?.Invoke("caching features", done, data.Count);
            }
        }
        catch
        {
            store?.Dispose();
            throw;
        }
        finally
        {
            Model.RestoreModes(modes);
        }

        return store ?? throw new InvalidOperationException("FeatureCache: the dataset is empty.");
    }

    /// <summary>The features of one dataset, one row per example, as a dataset with the source's labels.</summary>
    private sealed class FeatureStore : IDataset, IDisposable
    {
        private readonly float[]? _memory;
        private readonly MemoryMappedFile? _file;
        private readonly MemoryMappedViewAccessor? _view;
        private readonly int _rowLength;
        private readonly int[] _rowShape;

        // Rows a source batch delivered: a source that leaves out bad examples (a skipped image file) leaves
        // their rows unwritten, and reads leave them out as the source would.
        private readonly bool[] _written;

        private FeatureStore(IDataset source, int[] rowShape, float[]? memory, MemoryMappedFile? file, MemoryMappedViewAccessor? view)
        {
            Source = source;
            _rowShape = rowShape;
            _rowLength = rowShape.Aggregate(1, (a, b) => checked(a * b));
            _memory = memory;
            _file = file;
            _view = view;
            _written = new bool[source.Count];
        }

        public IDataset Source { get; }

        public bool Mapped => _file is not null;

        public long Bytes => (long)Source.Count * _rowLength * sizeof(float);

        public int Count => Source.Count;

        public IReadOnlyList<string> ClassNames => Source.ClassNames;

        public bool AugmentsTraining => false;

        public static FeatureStore Create(IDataset source, Shape batchShape, long budget)
        {
            int[] row = batchShape.ToArray()[1..];
            long rowLength = row.Aggregate(1L, (a, b) => a * b);
            long elements = rowLength * source.Count;
            long bytes = elements * sizeof(float);
            if (bytes <= budget && elements <= Array.MaxLength)
            {
                return new FeatureStore(source, row, new float[elements], null, null);
            }

            // Beyond the budget: a temporary file the OS pages in and out, deleted when closed.
            string path = Path.Combine(Path.GetTempPath(), $"frost-features-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose);
            try
            {
                stream.SetLength(bytes);
                var file = MemoryMappedFile.CreateFromFile(stream, null, bytes, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
                return new FeatureStore(source, row, null, file, file.CreateViewAccessor(0, bytes));
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        public void Write(int[] indices, ReadOnlySpan<float> rows)
        {
            for (int i = 0; i < indices.Length; i++)
            {
                _written[indices[i]] = true;
                var src = rows.Slice(i * _rowLength, _rowLength);
                if (_memory is not null)
                {
                    src.CopyTo(_memory.AsSpan(indices[i] * _rowLength, _rowLength));
                }
                else
                {
                    _view!.WriteArray((long)indices[i] * _rowLength * sizeof(float), src.ToArray(), 0, _rowLength);
                }
            }
        }

        public int LabelOf(int index) => Source.LabelOf(index);

        public IEnumerable<DataBatch> Read(IReadOnlyList<int[]> batches, bool training, int epoch)
        {
            foreach (var all in batches)
            {
                var ix = Array.TrueForAll(all, i => _written[i]) ? all : Array.FindAll(all, i => _written[i]);
                if (ix.Length == 0)
                {
                    continue;
                }

                var x = Tensor.Empty(new Shape([ix.Length, .. _rowShape]));
                var dst = x.AsSpan();
                var labels = new int[ix.Length];
                for (int i = 0; i < ix.Length; i++)
                {
                    labels[i] = Source.LabelOf(ix[i]);
                    if (_memory is not null)
                    {
                        _memory.AsSpan(ix[i] * _rowLength, _rowLength).CopyTo(dst.Slice(i * _rowLength, _rowLength));
                    }
                    else
                    {
                        ReadMapped(ix[i], dst.Slice(i * _rowLength, _rowLength));
                    }
                }

                yield return new DataBatch([x], labels, ix);
            }
        }

        public void Dispose()
        {
            _view?.Dispose();
            _file?.Dispose();
        }

        private unsafe void ReadMapped(int row, Span<float> destination)
        {
            byte* p = null;
            var handle = _view!.SafeMemoryMappedViewHandle;
            handle.AcquirePointer(ref p);
            try
            {
                new ReadOnlySpan<float>(p + _view.PointerOffset + ((long)row * _rowLength * sizeof(float)), _rowLength).CopyTo(destination);
            }
            finally
            {
                handle.ReleasePointer();
            }
        }
    }
}
