using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;
using Frost.Data;
using Frost.Execution;
using Frost.Freezing;
using Frost.Layers;

namespace Frost.Training;

/// <summary>
/// The outputs of a model's frozen, deterministic leading layers, computed once per example and reused every epoch,
/// so training runs only the rest. Kept in memory up to a budget, beyond it in a memory-mapped temporary file that
/// is deleted when the cache is disposed. Keyed by the prefix length and the fingerprints of its fixed values: a
/// change of plan (e.g. gradual unfreezing) makes the key differ and the learner builds a new cache.
/// </summary>
/// <remarks>
/// Besides the value crossing the cut, each example keeps the model inputs that later steps still read (e.g. the
/// attention mask of a text encoder). For a <see cref="IVariableLengthDataset"/>, each example keeps only its own
/// length along the second axis, and batches are padded with zeros to their longest example when read.
/// </remarks>
internal sealed class FeatureCache : IDisposable
{
    private readonly List<FeatureStore> _stores = [];

    private FeatureCache(Block model, int prefix, int value, int[] liveInputs, byte[] key)
    {
        Model = model;
        Prefix = prefix;
        Key = key;
        Bindings = [value, .. liveInputs];
    }

    public Block Model { get; }

    /// <summary>How many leading steps of the model's graph the features replace.</summary>
    public int Prefix { get; }

    public byte[] Key { get; }

    /// <summary>The graph value ids the cached batch inputs stand for: the cut value, then the live model inputs.</summary>
    public int[] Bindings { get; }

    /// <summary>Bytes of features held in memory.</summary>
    public long MemoryBytes => _stores.Where(s => !s.Mapped).Sum(s => s.Bytes);

    /// <summary>Bytes of features held in the temporary file.</summary>
    public long FileBytes => _stores.Where(s => s.Mapped).Sum(s => s.Bytes);

    /// <summary>The cache that applies to <paramref name="model"/> now: its prefix length and key (prefix 0: none applies).</summary>
    public static (int Prefix, byte[] Key) Describe(Block model)
    {
        int p = FrozenPrefix.Length(model);
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(BitConverter.GetBytes(p));
        foreach (var layer in PrefixLayers(model, p))
        {
            foreach (var v in layer.Variables)
            {
                h.AppendData(System.Text.Encoding.UTF8.GetBytes(v.Name));
                h.AppendData(v.FrozenFingerprint ?? FreezePlan.Fingerprint(v));
            }
        }

        return (p, h.GetHashAndReset());
    }

    /// <summary>The layers of the first <paramref name="prefix"/> steps of the model's graph.</summary>
    public static IEnumerable<Layer> PrefixLayers(Block model, int prefix)
        => model.Dataflow.Steps.Take(prefix).Select(s => s.Layer!);

    /// <summary>Computes the features of <paramref name="datasets"/> through the model's first <paramref name="prefix"/> steps.</summary>
    public static FeatureCache Build(Block model, int prefix, byte[] key, IReadOnlyList<IDataset> datasets, long memoryBudget, int batchSize, Action<string, long, long>? progress)
    {
        var (p, value, live) = FrozenPrefix.Cut(model);
        if (p != prefix)
        {
            throw new InvalidOperationException($"FeatureCache: the model's frozen prefix is {p} steps, not {prefix}.");
        }

        var cache = new FeatureCache(model, prefix, value, live, key);
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

    /// <summary>The logits of a batch read from one of this cache's datasets: the model's remaining steps.</summary>
    public Tensor Forward(DataBatch batch) => Executor.RunSuffix(Model, Prefix, Bindings, [.. batch.Inputs]);

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
        var batches = Batches.ForInference(data, batchSize).ToList();
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
                if (batch.Inputs.Count != Model.InputCount)
                {
                    throw new InvalidOperationException($"FeatureCache: the dataset gives {batch.Inputs.Count} input(s); the model takes {Model.InputCount}.");
                }

                var y = Executor.RunPrefix(Model, [.. batch.Inputs], Prefix);
                Tensor[] fields = [y, .. Bindings.Skip(1).Select(i => batch.Inputs[i])];
                store ??= FeatureStore.Create(data, fields, budget);
                store.Write(batch.Indices, fields);
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

    /// <summary>
    /// The cached tensors (fields) of one dataset, one record per example, as a dataset with the source's labels. A
    /// record holds every field's row; for a variable-length source, only the example's own positions of each row.
    /// </summary>
    private sealed class FeatureStore : IVariableLengthDataset, IDisposable
    {
        private readonly float[]? _memory;
        private readonly MemoryMappedFile? _file;
        private readonly MemoryMappedViewAccessor? _view;
        private readonly IVariableLengthDataset? _lengths;

        /// <summary>The mapped view's first float, acquired once and released in <see cref="Dispose"/>; zero in memory.</summary>
        private nint _mapped;

        /// <summary>Per field, the shape of one example's row after the batch axis (variable: after the length axis too).</summary>
        private readonly int[][] _shapes;

        /// <summary>Per field, the elements of one row (variable: of one position).</summary>
        private readonly int[] _elements;

        /// <summary>Where each example's record starts, in floats; one more entry for the end.</summary>
        private readonly long[] _offsets;

        // Rows a source batch delivered: a source that leaves out bad examples (a skipped image file) leaves
        // their rows unwritten, and reads leave them out as the source would.
        private readonly bool[] _written;

        private FeatureStore(IDataset source, int[][] shapes, long[] offsets, float[]? memory, MemoryMappedFile? file, MemoryMappedViewAccessor? view)
        {
            Source = source;
            _lengths = source as IVariableLengthDataset;
            _shapes = shapes;
            _elements = [.. shapes.Select(s => s.Aggregate(1, (a, b) => checked(a * b)))];
            _offsets = offsets;
            _written = new bool[source.Count];
            _memory = memory;
            _file = file;
            _view = view;
            if (view is not null)
            {
                unsafe
                {
                    byte* p = null;
                    view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
                    _mapped = (nint)(p + view.PointerOffset);
                }
            }
        }

        public IDataset Source { get; }

        public bool Mapped => _file is not null;

        public long Bytes => _offsets[^1] * sizeof(float);

        public int Count => Source.Count;

        public IReadOnlyList<string> ClassNames => Source.ClassNames;

        public bool AugmentsTraining => false;

        public int LengthOf(int index) => _lengths?.LengthOf(index) ?? 1;

        public static FeatureStore Create(IDataset source, Tensor[] fields, long budget)
        {
            bool variable = source is IVariableLengthDataset;
            var shapes = new int[fields.Length][];
            for (int f = 0; f < fields.Length; f++)
            {
                int[] dims = fields[f].Shape.ToArray();
                if (variable && dims.Length < 2)
                {
                    throw new InvalidOperationException($"FeatureCache: a padded dataset's cached tensor must be [N, T, …], got {fields[f].Shape}.");
                }

                shapes[f] = dims[(variable ? 2 : 1)..];
            }

            long perPosition = shapes.Sum(s => s.Aggregate(1L, (a, b) => a * b));
            var offsets = new long[source.Count + 1];
            for (int i = 0; i < source.Count; i++)
            {
                long positions = variable ? ((IVariableLengthDataset)source).LengthOf(i) : 1;
                offsets[i + 1] = offsets[i] + (positions * perPosition);
            }

            long elements = offsets[^1];
            long bytes = elements * sizeof(float);
            if (bytes <= budget && elements <= Array.MaxLength)
            {
                return new FeatureStore(source, shapes, offsets, new float[elements], null, null);
            }

            // Beyond the budget: a temporary file the OS pages in and out, deleted when closed.
            string path = Path.Combine(Path.GetTempPath(), $"frost-features-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose);
            try
            {
                stream.SetLength(Math.Max(bytes, 1));
                var file = MemoryMappedFile.CreateFromFile(stream, null, Math.Max(bytes, 1), MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
                return new FeatureStore(source, shapes, offsets, null, file, file.CreateViewAccessor(0, Math.Max(bytes, 1)));
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        public void Write(int[] indices, Tensor[] fields)
        {
            for (int i = 0; i < indices.Length; i++)
            {
                _written[indices[i]] = true;
                long at = _offsets[indices[i]];
                int positions = LengthOf(indices[i]);
                for (int f = 0; f < fields.Length; f++)
                {
                    int row = RowElements(fields[f], f, positions);
                    int n = positions * _elements[f];
                    fields[f].AsReadOnlySpan().Slice(i * row, n).CopyTo(Region(at, n));
                    at += n;
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

                int longest = 1;
                foreach (int i in ix)
                {
                    longest = Math.Max(longest, LengthOf(i));
                }

                var tensors = new Tensor[_shapes.Length];
                for (int f = 0; f < tensors.Length; f++)
                {
                    tensors[f] = _lengths is null
                        ? Tensor.Empty(new Shape([ix.Length, .. _shapes[f]]))
                        : Tensor.Zeros(new Shape([ix.Length, longest, .. _shapes[f]]));
                }

                var labels = new int[ix.Length];
                for (int i = 0; i < ix.Length; i++)
                {
                    labels[i] = Source.LabelOf(ix[i]);
                    long at = _offsets[ix[i]];
                    int positions = LengthOf(ix[i]);
                    for (int f = 0; f < tensors.Length; f++)
                    {
                        int row = (_lengths is null ? 1 : longest) * _elements[f];
                        int n = positions * _elements[f];
                        Region(at, n).CopyTo(tensors[f].AsSpan().Slice(i * row, n));
                        at += n;
                    }
                }

                yield return new DataBatch(tensors, labels, ix);
            }
        }

        public void Dispose()
        {
            if (_mapped != 0)
            {
                _mapped = 0;
                _view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }

            _view?.Dispose();
            _file?.Dispose();
        }

        /// <summary>The elements of one example in a batch tensor of field <paramref name="f"/>, checked against what the store holds.</summary>
        private int RowElements(Tensor t, int f, int positions)
        {
            int[] dims = t.Shape.ToArray();
            int skip = _lengths is null ? 1 : 2;
            if (!dims.AsSpan(skip).SequenceEqual(_shapes[f]) || (_lengths is not null && dims[1] < positions))
            {
                throw new InvalidOperationException($"FeatureCache: a batch's cached tensor {t.Shape} does not match the others (row {string.Join("x", _shapes[f])}, {positions} positions).");
            }

            return (_lengths is null ? 1 : dims[1]) * _elements[f];
        }

        /// <summary>The <paramref name="length"/> floats of the store that start at float <paramref name="at"/>.</summary>
        private Span<float> Region(long at, int length)
        {
            if (_memory is not null)
            {
                return _memory.AsSpan(checked((int)at), length);
            }

            unsafe
            {
                return new Span<float>((float*)_mapped + at, length);
            }
        }
    }
}
