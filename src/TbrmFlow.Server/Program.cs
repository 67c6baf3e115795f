using TbrmFlow.Server;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5080");
builder.Services.AddTbrmFlowServer(builder.Configuration);
builder.Services.AddTbrmFlowCluster(builder.Configuration);
var app = builder.Build();
app.MapTbrmFlowApi();
app.MapTbrmFlowJobs();
await app.RunAsync();

/// <summary>The server's entry point (public for in-process tests).</summary>
public partial class Program;
