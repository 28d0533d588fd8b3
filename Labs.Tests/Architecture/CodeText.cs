using System.Text;

namespace MediAI.Labs.Tests.Architecture;

/// <summary>
/// C# source with comments and the text of literals blanked out, so that a word in a comment, a
/// log message or a SQL string is never taken for a reference. The code inside interpolation holes
/// is kept: <c>$"{MessageFramer.InspectLimit}"</c> does reference a type.
/// </summary>
public static class CodeText
{
    public static string Of(string source)
    {
        var code = new StringBuilder(source.Length);
        var i = 0;
        CopyCode(source, ref i, code, inHole: false);
        return code.ToString();
    }

    /// <summary>Copies code from <paramref name="i"/>; in a hole, stops at the '}' that closes it.</summary>
    private static void CopyCode(string s, ref int i, StringBuilder code, bool inHole)
    {
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '/' && At(s, i + 1) == '/')
            {
                var end = s.IndexOf('\n', i);
                i = end < 0 ? s.Length : end;
                code.Append(' ');
                continue;
            }

            if (c == '/' && At(s, i + 1) == '*')
            {
                var end = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? s.Length : end + 2;
                code.Append(' ');
                continue;
            }

            if (c == '\'')
            {
                for (i++; i < s.Length && s[i] != '\''; i++)
                {
                    if (s[i] == '\\')
                    {
                        i++;
                    }
                }

                i++;
                code.Append(' ');
                continue;
            }

            if ((c is '"' or '$' or '@') && TrySkipString(s, ref i, code))
            {
                continue;
            }

            if (inHole && c == '{')
            {
                depth++;
            }
            else if (inHole && c == '}')
            {
                if (depth == 0)
                {
                    return;
                }

                depth--;
            }

            code.Append(c);
            i++;
        }
    }

    /// <summary>A string literal of any kind (regular, verbatim, raw, interpolated) at <paramref name="i"/>: blanks its text, keeps its holes.</summary>
    private static bool TrySkipString(string s, ref int i, StringBuilder code)
    {
        var j = i;
        var dollars = 0;
        var verbatim = false;
        for (; j < s.Length && s[j] is '$' or '@'; j++)
        {
            if (s[j] == '$')
            {
                dollars++;
            }
            else
            {
                verbatim = true;
            }
        }

        if (At(s, j) != '"')
        {
            return false;
        }

        var quotes = 0;
        while (At(s, j + quotes) == '"')
        {
            quotes++;
        }

        code.Append(' ');
        if (quotes >= 3 && !verbatim)
        {
            i = SkipRaw(s, j + quotes, quotes, dollars, code);
        }
        else if (quotes == 2 && !verbatim)
        {
            i = j + 2; // ""
        }
        else
        {
            i = SkipQuoted(s, j + 1, verbatim, dollars > 0, code);
        }

        return true;
    }

    private static int SkipQuoted(string s, int i, bool verbatim, bool interpolated, StringBuilder code)
    {
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '"')
            {
                if (verbatim && At(s, i + 1) == '"')
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            if (c == '\\' && !verbatim)
            {
                i += 2;
            }
            else if (interpolated && c == '{' && At(s, i + 1) == '{')
            {
                i += 2;
            }
            else if (interpolated && c == '{')
            {
                i++;
                CopyHole(s, ref i, code);
            }
            else if (c == '\n' && !verbatim)
            {
                return i; // unterminated: let the code go on
            }
            else
            {
                i++;
            }
        }

        return i;
    }

    private static int SkipRaw(string s, int i, int quotes, int dollars, StringBuilder code)
    {
        var closing = new string('"', quotes);
        while (i < s.Length)
        {
            if (string.CompareOrdinal(s, i, closing, 0, quotes) == 0)
            {
                return i + quotes;
            }

            if (dollars > 0 && s[i] == '{')
            {
                var run = 0;
                while (At(s, i + run) == '{')
                {
                    run++;
                }

                i += run;
                if (run >= dollars)
                {
                    CopyHole(s, ref i, code);
                    while (At(s, i) == '}')
                    {
                        i++;
                    }
                }

                continue;
            }

            i++;
        }

        return i;
    }

    private static void CopyHole(string s, ref int i, StringBuilder code)
    {
        code.Append(' ');
        CopyCode(s, ref i, code, inHole: true);
        code.Append(' ');
        i++; // the closing '}'
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';
}
