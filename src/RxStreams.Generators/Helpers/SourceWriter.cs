using System.Text;

namespace RxStreams.Generators.Helpers;

/// <summary>Writes C# source text line by line with an indentation level (four spaces a level, <c>\n</c> line ends).</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indentation;

    public SourceWriter WriteLine(string line)
    {
        if (line.Length > 0)
        {
            _builder.Append(' ', _indentation * 4);
            _builder.Append(line);
        }
        _builder.Append('\n');
        return this;
    }

    public SourceWriter WriteLine() => WriteLine(string.Empty);

    /// <summary>Writes <c>{</c> and indents.</summary>
    public SourceWriter OpenBlock()
    {
        WriteLine("{");
        _indentation++;
        return this;
    }

    /// <summary>Unindents and writes <c>}</c> followed by <paramref name="suffix"/>.</summary>
    public SourceWriter CloseBlock(string suffix = "")
    {
        _indentation--;
        WriteLine("}" + suffix);
        return this;
    }

    public void Indent() => _indentation++;

    public void Unindent() => _indentation--;

    public override string ToString() => _builder.ToString();
}
