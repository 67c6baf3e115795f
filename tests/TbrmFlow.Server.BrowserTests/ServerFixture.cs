using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;

namespace TbrmFlow.Server.BrowserTests;

/// <summary>
/// The server on a real Kestrel at 127.0.0.1 and a free port, over a temp copy of the repo's
/// workflows and a temp home; one headless chromium shared by the tests of a class.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    /// <summary>Debian's chromium.</summary>
    public const string Chromium = "/usr/bin/chromium";

    private WebApplicationFactory<Program>? _factory;
    private IPlaywright? _playwright;

    /// <summary>The server's base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress { get; private set; } = default!;

    /// <summary>The temp workflows folder.</summary>
    public string Workflows { get; private set; } = "";

    /// <summary>The temp home (run store, artifacts, mlruns).</summary>
    public string Home { get; private set; } = "";

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = default!;

    /// <summary>The server's services (to start extra runs for the comparison page).</summary>
    public IServiceProvider Services => _factory!.Services;

    /// <summary>The repository root (holds TbrmFlow.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            return; // the tests skip (or fail under CI) with the install command
        }
        var root = Path.Combine(Path.GetTempPath(), "tbrmflow-browser-" + Guid.NewGuid().ToString("N")[..8]);
        Workflows = Path.Combine(root, "workflows");
        Home = Path.Combine(root, "home");
        Directory.CreateDirectory(Workflows);
        Directory.CreateDirectory(Home);
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot, "workflows"), "*.yaml"))
        {
            File.Copy(file, Path.Combine(Workflows, Path.GetFileName(file)));
        }
        File.WriteAllText(Path.Combine(Workflows, "hundred.yaml"), HundredStages());
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("urls", BaseAddress.ToString().TrimEnd('/'))
            .UseSetting("workflows", Workflows)
            .UseSetting("home", Home)
            .UseSetting("mlruns", Path.Combine(root, "mlruns"))
            .UseSetting("Logging:LogLevel:Default", "Warning"));
        _factory.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        _factory.StartServer();
        // Expect(...) waits 5 s by default; this machine is shared with builds, so allow what pages get (30 s).
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    /// <summary>A new page at 1600 x 900 with a generous default timeout for this slow machine.</summary>
    public async Task<IPage> NewPageAsync()
    {
        if (Browser is null)
        {
            throw new InvalidOperationException($"{Chromium} not found: install it with `apt-get install -y chromium`");
        }
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 900 }, BaseURL = BaseAddress.ToString() });
        page.SetDefaultTimeout(30_000);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    /// <summary>Where the screenshots for the docs go.</summary>
    public static string ImagePath(string name)
    {
        var dir = Path.Combine(RepositoryRoot, "docs", "images");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    /// <summary>
    /// A 100-stage workflow: one data stage, 33 chains of sft -> tbrm -> eval (shaped like a sweep),
    /// for the responsiveness measurement. It is only drawn and edited, never run.
    /// </summary>
    public static string HundredStages()
    {
        var lines = new List<string> { "# 100 stages: a sweep of 33 sft -> tbrm -> eval chains over one data stage.", "name: hundred", "stages:",
            "  data:", "    uses: data.arithmetic", "    with: { digits: 2, train_size: 600, test_size: 50 }" };
        for (var i = 0; i < 33; i++)
        {
            lines.Add($"  sft{i}:");
            lines.Add("    uses: rl.sft");
            lines.Add($"    with: {{ train: \"${{{{ stages.data.outputs.train }}}}\", preset: toy, steps: {10 + i}, seed: {i} }}");
            lines.Add($"  tbrm{i}:");
            lines.Add("    uses: rl.tbrm");
            lines.Add($"    with: {{ policy: \"${{{{ stages.sft{i}.outputs.checkpoint }}}}\", prompts: \"${{{{ stages.data.outputs.train }}}}\", steps: 10, seed: {i} }}");
            lines.Add($"  eval{i}:");
            lines.Add("    uses: eval.math");
            lines.Add($"    with: {{ checkpoint: \"${{{{ stages.tbrm{i}.outputs.checkpoint }}}}\", problems: \"${{{{ stages.data.outputs.test }}}}\", k: 1 }}");
        }
        return string.Join('\n', lines) + "\n";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TbrmFlow.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("TbrmFlow.sln not found above " + AppContext.BaseDirectory);
    }
}
