// Marks one ELF symbol-version requirement (a Vernaux entry) of a shared library as weak.
//
// Why: libLibTorchSharp.so from TorchSharp 0.107 is built with GCC 13 and asks for GLIBCXX_3.4.32.
// Debian 12's libstdc++ stops at 3.4.30, so the loader refuses the library (and TorchSharp blames a
// missing libtorch). The only symbol bound to that version is _ZSt21ios_base_library_initv, a marker
// GCC 13 emits and nothing relocates against. A weak version requirement (VER_FLG_WEAK) tells glibc
// to accept a libstdc++ that lacks the version. We patch it only when every dynamic symbol bound to
// the version is on the allowed list, so a library that really needs newer code still fails loudly.
// See docs/torchsharp-on-debian12.md.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory (Directory.Build.targets), and by
// tests/TbrmFlow.Torch.Tests, which defines TBRMFLOW_ELF_TESTS and tests the patcher on real files.
#nullable enable
#if !TBRMFLOW_ELF_TESTS
// The test project has these as implicit usings; the task factory's compilation does not.
using System;
using System.Collections.Generic;
using System.IO;
#endif
using System.Text;

namespace TbrmFlow.Build;

#if !TBRMFLOW_ELF_TESTS
/// <summary>MSBuild task: weakens <c>VersionName</c> in every file of <c>Files</c>.</summary>
public sealed class WeakenElfVersionNeed : Microsoft.Build.Utilities.Task
{
    /// <summary>The libraries to patch (copies in an output folder, never the package cache).</summary>
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

    /// <summary>The version requirement to weaken, e.g. GLIBCXX_3.4.32.</summary>
    [Microsoft.Build.Framework.Required]
    public string VersionName { get; set; } = "";

    /// <summary>Semicolon-separated symbols that may be bound to that version.</summary>
    [Microsoft.Build.Framework.Required]
    public string AllowedSymbols { get; set; } = "";

    /// <inheritdoc />
    public override bool Execute()
    {
        var allowed = new HashSet<string>(AllowedSymbols.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries));
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            var outcome = ElfVersionNeedPatcher.PatchFile(path, VersionName, allowed);
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"{path}: {outcome}");
            if (outcome == PatchOutcome.Refused)
            {
                Log.LogWarning($"{path}: symbols other than {AllowedSymbols} need {VersionName}; not patched.");
            }
        }
        return !Log.HasLoggedErrors;
    }
}
#endif

/// <summary>What <see cref="ElfVersionNeedPatcher.PatchFile"/> did.</summary>
public enum PatchOutcome
{
    /// <summary>The requirement was strong and is now weak.</summary>
    Patched,
    /// <summary>The requirement was weak already (an earlier build patched it).</summary>
    AlreadyWeak,
    /// <summary>The library does not ask for that version at all.</summary>
    NotNeeded,
    /// <summary>Other symbols depend on the version: patching would hide a real incompatibility.</summary>
    Refused,
}

/// <summary>Reads and edits the GNU symbol-versioning sections of a little-endian ELF64 file.</summary>
public static class ElfVersionNeedPatcher
{
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Patches <paramref name="path"/> in place. The file is replaced, not rewritten, so a
    /// hard link into the NuGet package cache is broken rather than followed.</summary>
    public static PatchOutcome PatchFile(string path, string versionName, ISet<string> allowedSymbols)
    {
        var bytes = File.ReadAllBytes(path);
        var outcome = Patch(bytes, versionName, allowedSymbols);
        if (outcome == PatchOutcome.Patched)
        {
            var temp = path + ".patching";
            File.WriteAllBytes(temp, bytes);
            File.Delete(path);
            File.Move(temp, path);
        }
        return outcome;
    }

    /// <summary>Patches an ELF image held in memory.</summary>
    public static PatchOutcome Patch(byte[] elf, string versionName, ISet<string> allowedSymbols)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }
        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("only little-endian ELF64 is supported");
        }

        var sections = ReadSections(elf);
        var verneed = sections.Find(s => s.Type == ShtGnuVerneed)
            ?? throw new InvalidDataException("no .gnu.version_r section");
        var strtab = sections[(int)verneed.Link];

        // Walk Elf64_Verneed (16 bytes) -> Elf64_Vernaux (16 bytes) chains.
        long need = verneed.Offset;
        for (var i = 0; i < verneed.Info; i++)
        {
            var vnAux = U32(elf, need + 8);
            var vnNext = U32(elf, need + 12);
            var aux = need + vnAux;
            var count = U16(elf, need + 2);
            for (var j = 0; j < count; j++)
            {
                var name = CString(elf, strtab.Offset + U32(elf, aux + 8));
                if (name == versionName)
                {
                    var flags = U16(elf, aux + 4);
                    if ((flags & VerFlgWeak) != 0)
                    {
                        return PatchOutcome.AlreadyWeak;
                    }
                    var versionIndex = U16(elf, aux + 6);
                    foreach (var symbol in SymbolsBoundTo(elf, sections, versionIndex))
                    {
                        if (!allowedSymbols.Contains(symbol))
                        {
                            return PatchOutcome.Refused;
                        }
                    }
                    WriteU16(elf, aux + 4, (ushort)(flags | VerFlgWeak));
                    return PatchOutcome.Patched;
                }
                aux += U32(elf, aux + 12);
            }
            need += vnNext;
        }
        return PatchOutcome.NotNeeded;
    }

    /// <summary>Names of the dynamic symbols whose .gnu.version entry is <paramref name="versionIndex"/>.</summary>
    public static IEnumerable<string> SymbolsBoundTo(byte[] elf, IReadOnlyList<Section> sections, int versionIndex)
    {
        Section? dynsym = null, versym = null;
        foreach (var s in sections)
        {
            if (s.Type == ShtDynsym) { dynsym = s; }
            if (s.Type == ShtGnuVersym) { versym = s; }
        }
        if (dynsym is null || versym is null)
        {
            yield break;
        }
        var dynstr = sections[(int)dynsym.Link];
        var count = dynsym.Size / 24; // sizeof(Elf64_Sym)
        for (long k = 0; k < count; k++)
        {
            var index = U16(elf, versym.Offset + (2 * k)) & 0x7fff;
            if (index == versionIndex)
            {
                yield return CString(elf, dynstr.Offset + U32(elf, dynsym.Offset + (24 * k)));
            }
        }
    }

    /// <summary>The section headers of an ELF64 file.</summary>
    public static List<Section> ReadSections(byte[] elf)
    {
        var shoff = (long)U64(elf, 0x28);
        var shentsize = U16(elf, 0x3a);
        var shnum = U16(elf, 0x3c);
        var list = new List<Section>(shnum);
        for (var i = 0; i < shnum; i++)
        {
            var h = shoff + (i * shentsize);
            list.Add(new Section(U32(elf, h + 4), (long)U64(elf, h + 0x18), (long)U64(elf, h + 0x20), U32(elf, h + 0x28), U32(elf, h + 0x2c)));
        }
        return list;
    }

    /// <summary>True when the library asks for <paramref name="versionName"/> with the weak flag set.</summary>
    public static bool IsWeak(byte[] elf, string versionName) =>
        Patch((byte[])elf.Clone(), versionName, new HashSet<string>()) == PatchOutcome.AlreadyWeak;

    private static ushort U16(byte[] b, long o) => (ushort)(b[o] | (b[o + 1] << 8));
    private static uint U32(byte[] b, long o) => (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));
    private static ulong U64(byte[] b, long o) => U32(b, o) | ((ulong)U32(b, o + 4) << 32);

    private static void WriteU16(byte[] b, long o, ushort v)
    {
        b[o] = (byte)(v & 0xff);
        b[o + 1] = (byte)(v >> 8);
    }

    private static string CString(byte[] b, long o)
    {
        var end = o;
        while (b[end] != 0) { end++; }
        return Encoding.ASCII.GetString(b, (int)o, (int)(end - o));
    }

    /// <summary>One ELF64 section header (the fields this patcher reads). A class, not a record:
    /// MSBuild's code task factory compiles against netstandard2.0.</summary>
    public sealed class Section
    {
        public Section(uint type, long offset, long size, uint link, uint info)
        {
            Type = type; Offset = offset; Size = size; Link = link; Info = info;
        }

        public uint Type { get; }
        public long Offset { get; }
        public long Size { get; }
        public uint Link { get; }
        public uint Info { get; }
    }
}
