using System.IO.Compression;
using System.Text;
using Frost.Text.Data;

namespace Frost.Text.Internal;

/// <summary>Reads text files line by line or as CSV records, bounding the length of each, gzip detected from content.</summary>
internal static class RecordReaders
{
    /// <summary>Opens <paramref name="path"/> as UTF-8 text (a byte-order mark is honoured), gunzipping it when its first bytes are the gzip magic.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static StreamReader Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Text data file not found: {path}", path);
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            int n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            file.Position = 0;
            Stream stream = n == 2 && magic[0] == 0x1F && magic[1] == 0x8B ? new GZipStream(file, CompressionMode.Decompress) : file;
            return new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The lines of <paramref name="reader"/> (LF or CRLF endings) with their 1-based numbers.</summary>
    /// <exception cref="TextDataException">A line is longer than <paramref name="maxLength"/> characters, or the data is corrupt.</exception>
    public static IEnumerable<(int Line, string Text)> Lines(TextReader reader, string file, int maxLength)
    {
        var line = new StringBuilder();
        var buffer = new char[1 << 15];
        int number = 1;
        int n;
        while ((n = Read(reader, buffer, file, number)) > 0)
        {
            int start = 0;
            while (start < n)
            {
                int end = Array.IndexOf(buffer, '\n', start, n - start);
                int stop = end < 0 ? n : end;
                if (line.Length + (stop - start) > maxLength + 1)
                {
                    throw TooLong(file, number, maxLength);
                }

                line.Append(buffer, start, stop - start);
                if (end < 0)
                {
                    break;
                }

                yield return (number, Finish(line, file, number, maxLength));
                number++;
                start = end + 1;
            }
        }

        if (line.Length > 0)
        {
            yield return (number, Finish(line, file, number, maxLength));
        }
    }

    /// <summary>
    /// The CSV records of <paramref name="reader"/> (RFC 4180: comma-separated; fields in double quotes may hold
    /// commas, line breaks and doubled quotes), each with the 1-based line it starts on. Blank lines are skipped.
    /// </summary>
    /// <exception cref="TextDataException">A record is longer than <paramref name="maxLength"/> characters, a quoted field is not closed, or text follows a closing quote.</exception>
    public static IEnumerable<(int Line, List<string> Fields)> CsvRecords(TextReader reader, string file, int maxLength)
    {
        // NOTE: StreamReader.Peek reports the end of data whenever its buffer is empty and the last read of the
        // underlying stream was short, which happens inside a gzip stream; hence our own look-ahead.
        var source = new CharSource(reader, file);
        int line = 1;
        while (true)
        {
            int startLine = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            int length = 0;
            bool quoted = false, wasQuoted = false, any = false;
            int c;
            while ((c = source.Read(line)) >= 0)
            {
                any = true;
                if (++length > maxLength)
                {
                    throw TooLong(file, startLine, maxLength);
                }

                if (quoted)
                {
                    if (c == '"')
                    {
                        if (source.Peek(line) == '"')
                        {
                            source.Read(line);
                            field.Append('"');
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else
                    {
                        line += c == '\n' ? 1 : 0;
                        field.Append((char)c);
                    }

                    continue;
                }

                if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                }
                else if (c == '\n' || (c == '\r' && source.Peek(line) == '\n'))
                {
                    if (c == '\r')
                    {
                        source.Read(line);
                    }

                    line++;
                    break;
                }
                else if (wasQuoted)
                {
                    throw new TextDataException(file, line, $"unexpected '{(char)c}' after the closing quote of a field; a quote inside a quoted field is written as two quotes (\"\").");
                }
                else if (c == '"' && field.Length == 0)
                {
                    quoted = wasQuoted = true;
                }
                else
                {
                    field.Append((char)c);
                }
            }

            if (quoted)
            {
                throw new TextDataException(file, startLine, "a quoted field is not closed before the end of the file.");
            }

            if (!any)
            {
                yield break;
            }

            fields.Add(field.ToString());
            if (fields.Count > 1 || fields[0].Length > 0 || wasQuoted)
            {
                yield return (startLine, fields);
            }
        }
    }

    /// <summary>The whole of <paramref name="path"/> as text, if it holds at most <paramref name="maxLength"/> characters.</summary>
    /// <exception cref="TextDataException">The file is longer, or corrupt.</exception>
    public static string ReadAll(string path, int maxLength)
    {
        using var reader = Open(path);
        var buffer = new char[Math.Min(maxLength + 1, 1 << 16)];
        var text = new StringBuilder();
        int n;
        while ((n = Read(reader, buffer, path, 0)) > 0)
        {
            if (text.Length + n > maxLength)
            {
                throw TooLong(path, 0, maxLength);
            }

            text.Append(buffer, 0, n);
        }

        return text.ToString();
    }

    private static string Finish(StringBuilder line, string file, int number, int maxLength)
    {
        if (line.Length > 0 && line[^1] == '\r')
        {
            line.Length--;
        }

        if (line.Length > maxLength)
        {
            throw TooLong(file, number, maxLength);
        }

        string s = line.ToString();
        line.Clear();
        return s;
    }

    private static TextDataException TooLong(string file, int line, int maxLength) =>
        new(file, line, $"{(line > 0 ? "record" : "text")} longer than {maxLength} characters (TextDataOptions.MaxRecordLength).");

    private static int Read(TextReader reader, char[] buffer, string file, int line)
    {
        try
        {
            return reader.Read(buffer, 0, buffer.Length);
        }
        catch (InvalidDataException e)
        {
            throw new TextDataException(file, line, $"corrupt gzip data ({e.Message.TrimEnd('.')}).");
        }
    }

    /// <summary>Characters of a reader with one character of look-ahead.</summary>
    private sealed class CharSource(TextReader reader, string file)
    {
        private readonly char[] _buffer = new char[1 << 15];
        private int _position;
        private int _count;

        public int Peek(int line) => _position < _count || Fill(line) ? _buffer[_position] : -1;

        public int Read(int line) => _position < _count || Fill(line) ? _buffer[_position++] : -1;

        private bool Fill(int line)
        {
            _count = RecordReaders.Read(reader, _buffer, file, line);
            _position = 0;
            return _count > 0;
        }
    }
}
