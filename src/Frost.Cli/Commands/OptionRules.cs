using System.Globalization;

namespace Frost.Cli.Commands;

/// <summary>Checks option values, naming the option and the accepted range.</summary>
internal static class OptionRules
{
    /// <summary>Largest learning rate accepted (AdamW and Adam step sizes beyond it only diverge).</summary>
    public const float MaxLearningRate = 1f;

    /// <summary>Accepts <paramref name="value"/> in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static void Range(string option, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            string range = max >= int.MaxValue ? $"at least {min.ToString(CultureInfo.InvariantCulture)}"
                : $"{min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}";
            throw new UsageException($"{option} {value.ToString(CultureInfo.InvariantCulture)} is outside the accepted range {range}.");
        }
    }

    /// <summary>Accepts a learning rate: finite, greater than 0 and at most <see cref="MaxLearningRate"/>.</summary>
    public static void LearningRate(string option, float value)
    {
        if (!(float.IsFinite(value) && value > 0 && value <= MaxLearningRate))
        {
            throw new UsageException($"{option} {value.ToString(CultureInfo.InvariantCulture)} is outside the accepted range (0, {MaxLearningRate.ToString(CultureInfo.InvariantCulture)}]: a finite rate greater than 0.");
        }
    }

    /// <summary>Accepts a fraction in [0, 1).</summary>
    public static void Fraction(string option, double value)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new UsageException($"{option} {value.ToString(CultureInfo.InvariantCulture)} is outside the accepted range [0, 1).");
        }
    }

    /// <summary>Accepts 0 (off) or a finite factor in [1, 1000].</summary>
    public static void Factor(string option, float value)
    {
        if (!(value == 0 || (value >= 1 && value <= 1000)))
        {
            throw new UsageException($"{option} {value.ToString(CultureInfo.InvariantCulture)} is outside the accepted range: 0 (off) or 1..1000.");
        }
    }

    /// <summary>Accepts a folder to read data from: it must exist and be a directory.</summary>
    public static void DataFolder(string option, string? folder)
    {
        if (folder is null)
        {
            return;
        }

        if (!Directory.Exists(folder))
        {
            throw new UsageException(File.Exists(folder)
                ? $"{option} {folder} is a file; expected a folder with {{train,test}}-{{images,labels}}.idx[.gz]."
                : $"{option} {folder} does not exist.");
        }
    }
}
