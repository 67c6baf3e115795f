namespace TbrmFlow.Plugins.Eval.Answers;

/// <summary>Recursive-descent parser behind <see cref="SymbolicExpression"/>; every method returns null on failure.</summary>
internal sealed class SymbolicParser(string text)
{
    private int _pos;

    public SortedSet<char> Variables { get; } = [];

    public Func<Func<char, double>, double>? ParseAll()
    {
        var e = Expr();
        return e is not null && _pos == text.Length ? e : null;
    }

    private char Peek => _pos < text.Length ? text[_pos] : '\0';

    private bool At(string s) => string.CompareOrdinal(text, _pos, s, 0, s.Length) == 0;

    private Func<Func<char, double>, double>? Expr()
    {
        var left = Term();
        while (left is not null && Peek is '+' or '-')
        {
            var op = text[_pos++];
            var right = Term();
            if (right is null)
            {
                return null;
            }
            var l = left;
            left = op == '+' ? v => l(v) + right(v) : v => l(v) - right(v);
        }
        return left;
    }

    private Func<Func<char, double>, double>? Term()
    {
        var left = Unary();
        while (left is not null)
        {
            var op = Peek;
            if (op is '*' or '/')
            {
                _pos++;
            }
            else if (!StartsPrimary())
            {
                break;
            }
            var right = Unary();
            if (right is null)
            {
                return null;
            }
            var l = left;
            left = op == '/' ? v => l(v) / right(v) : v => l(v) * right(v);
        }
        return left;
    }

    private bool StartsPrimary() =>
        char.IsAsciiDigit(Peek) || char.IsAsciiLetter(Peek) || Peek is '(' or '{' or '.' || At("\\frac") || At("\\sqrt") || At("\\pi");

    private Func<Func<char, double>, double>? Unary()
    {
        if (Peek is '-' or '+')
        {
            var negate = text[_pos++] == '-';
            var inner = Unary();
            return inner is null ? null : negate ? v => -inner(v) : inner;
        }
        return Power();
    }

    private Func<Func<char, double>, double>? Power()
    {
        var b = Primary();
        if (b is null || Peek != '^')
        {
            return b;
        }
        _pos++;
        var e = Unary();
        return e is null ? null : v => Math.Pow(b(v), e(v));
    }

    private Func<Func<char, double>, double>? Primary()
    {
        if (char.IsAsciiDigit(Peek) || Peek == '.')
        {
            var start = _pos;
            while (char.IsAsciiDigit(Peek) || Peek == '.')
            {
                _pos++;
            }
            if (!double.TryParse(text.AsSpan(start, _pos - start), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }
            return _ => number;
        }
        if (char.IsAsciiLetter(Peek))
        {
            // Words are not expressions: "Monday" must not equal "Mondya" as a product of letters.
            if (_pos + 2 < text.Length && char.IsAsciiLetter(text[_pos + 1]) && char.IsAsciiLetter(text[_pos + 2]))
            {
                return null;
            }
            var name = text[_pos++];
            Variables.Add(name);
            return v => v(name);
        }
        if (Peek is '(' or '{')
        {
            var close = Peek == '(' ? ')' : '}';
            _pos++;
            var inner = Expr();
            if (inner is null || Peek != close)
            {
                return null;
            }
            _pos++;
            return inner;
        }
        if (At("\\pi"))
        {
            _pos += 3;
            return _ => Math.PI;
        }
        if (At("\\sqrt"))
        {
            _pos += 5;
            var arg = Group();
            return arg is null ? null : v => Math.Sqrt(arg(v));
        }
        if (At("\\frac"))
        {
            _pos += 5;
            var num = Group();
            var den = num is null ? null : Group();
            return den is null ? null : v => num!(v) / den(v);
        }
        return null;
    }

    private Func<Func<char, double>, double>? Group()
    {
        if (Peek != '{')
        {
            return null;
        }
        _pos++;
        var inner = Expr();
        if (inner is null || Peek != '}')
        {
            return null;
        }
        _pos++;
        return inner;
    }
}
