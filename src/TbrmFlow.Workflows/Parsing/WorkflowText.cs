using System.Text;
using TbrmFlow.Workflows.Model;

namespace TbrmFlow.Workflows.Parsing;

/// <summary>
/// Reads a workflow file without trusting it: at most <see cref="WorkflowLimits.MaxDocumentBytes"/> bytes are read
/// (a larger file, or a device such as /dev/zero, is refused without reading the rest), and the bytes must be UTF-8
/// (or UTF-16 with a byte order mark); a UTF-8 byte order mark is dropped.
/// </summary>
public static class WorkflowText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's text, or false with a TF0040 (too large) or TF0001 (not UTF-8) diagnostic.</summary>
    /// <exception cref="IOException">The file cannot be read (missing, a directory, no permission ...).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static bool TryRead(string path, out string text, out Diagnostic? error)
    {
        const int Cap = WorkflowLimits.MaxDocumentBytes + 1;
        byte[] buffer;
        var length = 0;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan))
        {
            // Sized by the file when it has a length (a device or pipe has none), grown if it grew, never past the cap.
            buffer = new byte[stream.CanSeek ? (int)Math.Clamp(stream.Length + 1, 1, Cap) : Cap];
            while (true)
            {
                var read = stream.Read(buffer, length, buffer.Length - length);
                if (read == 0)
                {
                    break;
                }
                length += read;
                if (length == buffer.Length)
                {
                    if (buffer.Length == Cap)
                    {
                        break;
                    }
                    Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, Cap));
                }
            }
        }
        return TryDecode(buffer.AsSpan(0, length), out text, out error);
    }

    /// <summary>Decodes bytes read from a workflow file (see <see cref="TryRead"/>).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out string text, out Diagnostic? error)
    {
        text = "";
        error = null;
        if (bytes.Length > WorkflowLimits.MaxDocumentBytes)
        {
            error = new Diagnostic(DiagnosticCodes.Limit,
                $"the file is larger than {WorkflowLimits.MaxDocumentBytes} bytes {WorkflowLimits.Cite(nameof(WorkflowLimits.MaxDocumentBytes), WorkflowLimits.MaxDocumentBytes)}",
                PositionAfter(bytes[..WorkflowLimits.MaxDocumentBytes]));
            return false;
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            var utf16 = bytes[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            text = utf16.GetString(bytes[2..]);
            return true;
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException e)
        {
            var at = Math.Clamp(e.Index, 0, bytes.Length);
            var bad = e.BytesUnknown is { Length: > 0 } unknown ? $" (byte 0x{unknown[0]:X2})" : "";
            error = new Diagnostic(DiagnosticCodes.YamlSyntax, $"the file is not UTF-8 text{bad}; save it as UTF-8", PositionAfter(bytes[..at]));
            return false;
        }
    }

    /// <summary>The line and column just after <paramref name="prefix"/> (columns count characters, not bytes).</summary>
    private static SourceLocation PositionAfter(ReadOnlySpan<byte> prefix)
    {
        var line = 1 + prefix.Count((byte)'\n');
        var lastLine = prefix[(prefix.LastIndexOf((byte)'\n') + 1)..];
        var column = 1;
        foreach (var b in lastLine)
        {
            // Count lead bytes only: continuation bytes (10xxxxxx) belong to the character before.
            if ((b & 0xC0) != 0x80)
            {
                column++;
            }
        }
        return new SourceLocation(line, column);
    }
}
