using System.IO.Compression;
using System.Text;
using Frost.Text.Data;

namespace Frost.Text.Tests.Data;

public class TextDataTests
{
    private static void WriteGzip(string path, string text)
    {
        using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gz.Write(Encoding.UTF8.GetBytes(text));
    }

    [Fact]
    public void The_shipped_spam_subset_loads_with_its_class_counts()
    {
        var train = TextData.Load(TestFiles.Spam("train"));
        var test = TextData.Load(TestFiles.Spam("test"));
        Assert.Equal(["ham", "spam"], train.ClassNames);
        Assert.Equal([2_717, 1_186], train.ClassCounts());
        Assert.Equal([691, 309], test.ClassCounts());
        Assert.StartsWith("Troubled Royal Ballet eyes US director\nURL: ", test.Texts[0]);
        Assert.Equal(0, test.Labels[0]);
        Assert.True(train.Texts.Max(t => t.Length) <= 2_000);
    }

    [Fact]
    public void The_shipped_subset_is_the_shared_one()
    {
        if (Frost.TestKit.Repo.SharedData is not { } shared)
        {
            return; // The shared folder is a development convenience; the product never reads it.
        }

        foreach (string split in new[] { "train", "test" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(shared, "spam-assassin", $"{split}.jsonl.gz")), File.ReadAllBytes(TestFiles.Spam(split)));
        }
    }

    [Fact]
    public void Json_lines_are_read_plain_or_gzip_told_apart_by_content()
    {
        using var temp = TestFiles.Temp();
        string lines = "{\"text\": \"b text\", \"label\": \"pos\"}\r\n\n{\"label\": \"neg\", \"text\": \"a\\nline\", \"x\": 1}\n";
        string plain = temp.File("plain.data", lines);
        string zipped = temp.File("zipped.jsonl");
        WriteGzip(zipped, lines);
        foreach (string path in new[] { plain, zipped })
        {
            var data = TextData.LoadJsonLines(path);
            Assert.Equal(["neg", "pos"], data.ClassNames);
            Assert.Equal(["b text", "a\nline"], data.Texts);
            Assert.Equal([1, 0], data.Labels);
        }
    }

    [Fact]
    public void Integer_labels_sort_numerically_and_given_class_names_are_kept()
    {
        using var temp = TestFiles.Temp();
        string path = temp.File("n.jsonl", "{\"text\":\"x\",\"label\":10}\n{\"text\":\"y\",\"label\":2}\n{\"text\":\"z\",\"label\":-1}\n");
        var data = TextData.LoadJsonLines(path);
        Assert.Equal(["-1", "2", "10"], data.ClassNames);
        Assert.Equal([2, 1, 0], data.Labels);

        var given = TextData.LoadJsonLines(path, new TextDataOptions { ClassNames = ["10", "2", "-1", "unused"] });
        Assert.Equal([0, 1, 2], given.Labels);
        Assert.Equal(4, given.ClassNames.Count);
    }

    [Theory]
    [InlineData("{\"text\":\"ok\",\"label\":\"a\"}\nnot json\n", 2, "not valid JSON")]
    [InlineData("{\"text\":\"ok\",\"label\":\"a\"}\n[1,2]\n", 2, "expected a JSON object")]
    [InlineData("{\"body\":\"ok\",\"label\":\"a\"}\n", 1, "expected a string field \"text\"")]
    [InlineData("{\"text\":\"ok\"}\n", 1, "expected a field \"label\"")]
    [InlineData("{\"text\":\"ok\",\"label\":1.5}\n", 1, "must be a string or an integer, got 1.5")]
    [InlineData("{\"text\":\"ok\",\"label\":\"a\"}\n\n{\"text\":\"ok\",\"label\":\"zz\"}\n", 3, "label 'zz' is not one of the classes (a, b)")]
    public void Bad_json_lines_name_the_file_and_line(string content, int line, string problem)
    {
        using var temp = TestFiles.Temp();
        string path = temp.File("bad.jsonl", content);
        var ex = Assert.Throws<TextDataException>(() => TextData.LoadJsonLines(path, new TextDataOptions { ClassNames = problem.Contains("zz") ? ["a", "b"] : null }));
        Assert.Equal(line, ex.Line);
        Assert.StartsWith($"{path}:{line}: ", ex.Message);
        Assert.Contains(problem, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Reading_is_bounded_by_the_record_length()
    {
        using var temp = TestFiles.Temp();
        var options = new TextDataOptions { MaxRecordLength = 1_000 };
        string path = temp.File("long.jsonl");
        WriteGzip(path, "{\"text\":\"ok\",\"label\":\"a\"}\n{\"text\":\"" + new string('x', 100_000));
        var ex = Assert.Throws<TextDataException>(() => TextData.LoadJsonLines(path, options));
        Assert.Equal(2, ex.Line);
        Assert.Contains("longer than 1000 characters", ex.Message);

        string csv = temp.File("long.csv", "text,label\n\"" + new string('y', 5_000) + "\",a\n");
        Assert.Equal(2, Assert.Throws<TextDataException>(() => TextData.LoadCsv(csv, options)).Line);

        string folder = Path.Combine(temp.Path, "folder");
        temp.File(Path.Combine("folder", "a", "big.txt"), new string('z', 1_001));
        Assert.Contains("big.txt: text longer than 1000", Assert.Throws<TextDataException>(() => TextData.LoadFolder(folder, options)).Message);
    }

    [Fact]
    public void Csv_handles_quotes_commas_line_breaks_and_crlf()
    {
        using var temp = TestFiles.Temp();
        string content = "id,label,text\r\n1,spam,\"Win, now!\r\nReally \"\"free\"\"\"\r\n2,ham,plain text\r\n\r\n3,ham,\"\"\n";
        string path = temp.File("x.csv", content);
        var data = TextData.Load(path);
        Assert.Equal(["ham", "spam"], data.ClassNames);
        Assert.Equal(["Win, now!\r\nReally \"free\"", "plain text", ""], data.Texts);
        Assert.Equal([1, 0, 0], data.Labels);

        string zipped = temp.File("x.csv.gz");
        WriteGzip(zipped, content);
        Assert.Equal(data.Texts, TextData.Load(zipped).Texts);
    }

    [Theory]
    [InlineData("body,label\nx,a\n", 1, "the header has no column 'text' (columns: body, label)")]
    [InlineData("text,label\nx,a\ny\n", 3, "expected 2 fields as in the header, got 1")]
    [InlineData("text,label\nx,a\n\"open,b\nmore\n", 3, "a quoted field is not closed")]
    [InlineData("text,label\n\"x\"y,a\n", 2, "unexpected 'y' after the closing quote")]
    public void Bad_csv_names_the_file_and_line(string content, int line, string problem)
    {
        using var temp = TestFiles.Temp();
        string path = temp.File("bad.csv", content);
        var ex = Assert.Throws<TextDataException>(() => TextData.LoadCsv(path));
        Assert.Equal(line, ex.Line);
        Assert.Contains(problem, ex.Message);
        Assert.StartsWith($"{path}:{line}: ", ex.Message);
    }

    [Fact]
    public void A_folder_per_class_gives_ordinally_sorted_class_names()
    {
        using var temp = TestFiles.Temp();
        temp.File(Path.Combine("d", "b", "2.txt"), "b two");
        temp.File(Path.Combine("d", "b", "1.txt"), "b one");
        temp.File(Path.Combine("d", "B", "sub", "x.txt"), "B nested");
        temp.File(Path.Combine("d", "B", "ignored.md"), "not text");
        temp.File(Path.Combine("d", "a", ".hidden.txt"), "hidden");
        temp.File(Path.Combine("d", "a", "a.txt"), "\uFEFFa with bom");
        temp.File(Path.Combine("d", ".git", "c.txt"), "hidden class");
        var data = TextData.Load(Path.Combine(temp.Path, "d"));
        Assert.Equal(["B", "a", "b"], data.ClassNames);
        Assert.Equal(["B nested", "a with bom", "b one", "b two"], data.Texts);
        Assert.Equal([0, 1, 2, 2], data.Labels);

        var ex = Assert.Throws<TextDataException>(() => TextData.LoadFolder(Path.Combine(temp.Path, "d"), new TextDataOptions { ClassNames = ["a", "b"] }));
        Assert.Contains("the class folders (B, a, b) differ from the class names given (a, b)", ex.Message);
        Assert.Throws<TextDataException>(() => TextData.LoadFolder(Path.Combine(temp.Path, "d", "a")));
        Assert.Throws<DirectoryNotFoundException>(() => TextData.LoadFolder(Path.Combine(temp.Path, "nope")));
    }

    [Fact]
    public void Empty_and_missing_files_are_errors()
    {
        using var temp = TestFiles.Temp();
        string empty = temp.File("empty.jsonl", "\n\n");
        Assert.Equal($"{empty}: no examples.", Assert.Throws<TextDataException>(() => TextData.LoadJsonLines(empty)).Message);
        Assert.Throws<FileNotFoundException>(() => TextData.LoadJsonLines(Path.Combine(temp.Path, "missing.jsonl")));
        string corrupt = temp.File("corrupt.jsonl");
        File.WriteAllBytes(corrupt, [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF]);
        Assert.Contains("corrupt gzip data", Assert.Throws<TextDataException>(() => TextData.LoadJsonLines(corrupt)).Message);
    }

    [Fact]
    public void ReadRecords_reads_json_lines_and_csv_with_optional_labels_and_ids()
    {
        using var temp = TestFiles.Temp();
        string jsonl = temp.File("in.jsonl", "{\"text\": \"a\", \"label\": 3, \"id\": \"m1\"}\n\n{\"text\": \"b\", \"id\": 42}\n{\"text\": \"c\", \"label\": \"neg\"}\n");
        Assert.Equal(
            [new TextRecord("a", 1, "m1", "3"), new TextRecord("b", 3, "42", null), new TextRecord("c", 4, null, "neg")],
            TextData.ReadRecords(jsonl));
        string csv = temp.File("in.csv", "text,other\n\"x, y\",1\nz,2\n");
        Assert.Equal([new TextRecord("x, y", 2, null, null), new TextRecord("z", 3, null, null)], TextData.ReadRecords(csv));
        string zipped = temp.File("in.csv.gz");
        WriteGzip(zipped, "id,label,text\nr1,pos,good\n");
        Assert.Equal([new TextRecord("good", 2, "r1", "pos")], TextData.ReadRecords(zipped));

        string noText = temp.File("bad.jsonl", "{\"label\": \"x\"}\n");
        Assert.Equal($"{noText}:1: expected a string field \"text\".", Assert.Throws<TextDataException>(() => TextData.ReadRecords(noText)).Message);
        string badId = temp.File("badid.jsonl", "{\"text\": \"t\", \"id\": [1]}\n");
        Assert.Contains(":1: the field \"id\" must be a string or an integer", Assert.Throws<TextDataException>(() => TextData.ReadRecords(badId)).Message, StringComparison.Ordinal);
        string empty = temp.File("empty.jsonl", "\n");
        Assert.Equal($"{empty}: no records.", Assert.Throws<TextDataException>(() => TextData.ReadRecords(empty)).Message);
        string noColumn = temp.File("nocol.csv", "body,label\nx,y\n");
        Assert.Contains("the header has no column 'text'", Assert.Throws<TextDataException>(() => TextData.ReadRecords(noColumn)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadText_reads_a_whole_file_plain_or_gzip_within_the_record_length()
    {
        using var temp = TestFiles.Temp();
        string plain = temp.File("a.txt", "line one\nline two\n");
        Assert.Equal("line one\nline two\n", TextData.ReadText(plain));
        string zipped = temp.File("b.txt.gz");
        WriteGzip(zipped, "zipped");
        Assert.Equal("zipped", TextData.ReadText(zipped));
        Assert.Contains("longer than 4 characters", Assert.Throws<TextDataException>(() => TextData.ReadText(plain, new TextDataOptions { MaxRecordLength = 4 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Subset_keeps_class_names_and_checks_indices()
    {
        var data = new LabeledTexts(["a", "b", "c"], [0, 1, 1], ["x", "y"]);
        var sub = data.Subset([2, 0]);
        Assert.Equal(["c", "a"], sub.Texts);
        Assert.Equal([1, 0], sub.Labels);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset([3]));
        Assert.Throws<ArgumentException>(() => new LabeledTexts(["a"], [2], ["x", "y"]));
    }
}
