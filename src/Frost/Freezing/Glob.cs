namespace Frost.Freezing;

/// <summary>
/// Glob matching over '/'-separated names: <c>*</c> matches within one segment, <c>?</c> one character,
/// <c>[0-3]</c> or <c>[abc]</c> one character of a class (<c>[!…]</c> one outside it), <c>**</c> any number of whole
/// segments. Segments are compared whole, so <c>layer1/**</c> never matches
/// <c>layer10/…</c>.
/// </summary>
internal static class Glob
{
    public static bool IsMatch(string pattern, string name)
    {
        var p = pattern.Split('/');
        var n = name.Split('/');

        // reach[i, j]: the first i pattern segments match the first j name segments.
        var reach = new bool[p.Length + 1, n.Length + 1];
        reach[0, 0] = true;
        for (int i = 1; i <= p.Length; i++)
        {
            bool star2 = p[i - 1] == "**";
            for (int j = 0; j <= n.Length; j++)
            {
                if (star2)
                {
                    reach[i, j] = reach[i - 1, j] || (j > 0 && reach[i, j - 1]);
                }
                else
                {
                    reach[i, j] = j > 0 && reach[i - 1, j - 1] && Segment(p[i - 1], n[j - 1]);
                }
            }
        }

        return reach[p.Length, n.Length];
    }

    /// <summary>Wildcard match of one segment (*, ? and classes), iterative with backtracking to the last star.</summary>
    private static bool Segment(string p, string s)
    {
        int pi = 0, si = 0, star = -1, mark = 0;
        while (si < s.Length)
        {
            if (pi < p.Length && p[pi] != '*' && MatchOne(p, pi, s[si], out int next))
            {
                pi = next;
                si++;
            }
            else if (pi < p.Length && p[pi] == '*')
            {
                star = pi++;
                mark = si;
            }
            else if (star >= 0)
            {
                pi = star + 1;
                si = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (pi < p.Length && p[pi] == '*')
        {
            pi++;
        }

        return pi == p.Length;
    }

    /// <summary>Whether the one-character token at <paramref name="pi"/> (a literal, <c>?</c> or a class) matches <paramref name="c"/>.</summary>
    private static bool MatchOne(string p, int pi, char c, out int next)
    {
        next = pi + 1;
        if (p[pi] == '?')
        {
            return true;
        }

        int close = p[pi] == '[' && pi + 2 < p.Length ? p.IndexOf(']', pi + 2) : -1;
        if (close < 0)
        {
            return p[pi] == c; // a literal, including a '[' that opens no class
        }

        next = close + 1;
        bool negate = p[pi + 1] == '!';
        bool found = false;
        for (int i = negate ? pi + 2 : pi + 1; i < close; i++)
        {
            if (i + 2 < close && p[i + 1] == '-')
            {
                found |= c >= p[i] && c <= p[i + 2];
                i += 2;
            }
            else
            {
                found |= c == p[i];
            }
        }

        return found != negate;
    }
}
