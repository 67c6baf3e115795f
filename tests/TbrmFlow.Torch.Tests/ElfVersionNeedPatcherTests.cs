using System.Diagnostics;
using System.Reflection;
using TbrmFlow.Build;

namespace TbrmFlow.Torch.Tests;

/// <summary>
/// The build step that makes libLibTorchSharp.so load on Debian 12 (build/WeakenElfVersionNeed.cs),
/// tested on the real library from the NuGet cache and on the patched copy in this test's output.
/// </summary>
public sealed class ElfVersionNeedPatcherTests : IDisposable
{
    private const string Version = "GLIBCXX_3.4.32";
    private const string Marker = "_ZSt21ios_base_library_initv";
    private readonly string _temp = Directory.CreateTempSubdirectory("elfpatch").FullName;

    private static string PackageCopy()
    {
        var metadata = typeof(ElfVersionNeedPatcherTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        return Path.Combine(metadata["NuGetPackageRoot"]!, "torchsharp", metadata["TorchSharpVersion"]!, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    private static string OutputCopy() =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).First();

    [Fact]
    public void PackageCopy_NeedsTheVersionStrongly_AndOnlyForTheMarkerSymbol()
    {
        var elf = File.ReadAllBytes(PackageCopy());
        Assert.False(ElfVersionNeedPatcher.IsWeak(elf, Version)); // the build never touches the cache
        var sections = ElfVersionNeedPatcher.ReadSections(elf);
        var patched = (byte[])elf.Clone();
        Assert.Equal(PatchOutcome.Patched, ElfVersionNeedPatcher.Patch(patched, Version, new HashSet<string> { Marker }));
        Assert.True(ElfVersionNeedPatcher.IsWeak(patched, Version));
        // Exactly one byte pair (vna_flags) changed.
        Assert.Equal(1, elf.Zip(patched).Count(p => p.First != p.Second));
        Assert.NotEmpty(sections);
    }

    [Fact]
    public void Patch_RefusesWhenAnotherSymbolNeedsTheVersion()
    {
        var elf = File.ReadAllBytes(PackageCopy());
        Assert.Equal(PatchOutcome.Refused, ElfVersionNeedPatcher.Patch(elf, Version, new HashSet<string> { "some_other_symbol" }));
    }

    [Fact]
    public void Patch_ReportsVersionsTheLibraryDoesNotNeed()
    {
        var elf = File.ReadAllBytes(PackageCopy());
        Assert.Equal(PatchOutcome.NotNeeded, ElfVersionNeedPatcher.Patch(elf, "GLIBCXX_9.9.99", new HashSet<string>()));
    }

    [Fact]
    public void PatchFile_IsIdempotent_AndBreaksHardLinks()
    {
        var original = Path.Combine(_temp, "original.so");
        File.Copy(PackageCopy(), original);
        var linked = Path.Combine(_temp, "linked.so");
        Link(original, linked);

        Assert.Equal(PatchOutcome.Patched, ElfVersionNeedPatcher.PatchFile(linked, Version, new HashSet<string> { Marker }));
        Assert.Equal(PatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.PatchFile(linked, Version, new HashSet<string> { Marker }));
        Assert.False(ElfVersionNeedPatcher.IsWeak(File.ReadAllBytes(original), Version)); // the link target is untouched
    }

    [Fact]
    public void PatchFile_RejectsFilesThatAreNotElf()
    {
        var text = Path.Combine(_temp, "not-elf.so");
        File.WriteAllText(text, "hello, this is not a shared library at all; it is long enough to have a header");
        Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.PatchFile(text, Version, new HashSet<string>()));
    }

    [Fact]
    public void OutputCopy_IsWeak_AndLddFindsEveryLibrary()
    {
        var output = OutputCopy();
        Assert.True(ElfVersionNeedPatcher.IsWeak(File.ReadAllBytes(output), Version));
        var ldd = Run("ldd", output);
        var missing = ldd.Split('\n').Where(l => l.Contains("not found", StringComparison.Ordinal) && !l.Contains("weak version", StringComparison.Ordinal));
        Assert.Empty(missing);
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static void Link(string target, string link) => Run("ln", target, link);

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}
