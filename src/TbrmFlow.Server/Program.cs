using TbrmFlow.Server;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5080");
// Serve the build output's static web assets (Blazor's _framework, wwwroot) in every environment, not only Development.
builder.WebHost.UseStaticWebAssets();
builder.Services.AddTbrmFlowServer(builder.Configuration);
builder.Services.AddTbrmFlowCluster(builder.Configuration);
builder.AddTbrmFlowDesigner();
var app = builder.Build();
app.MapTbrmFlowApi();
app.MapTbrmFlowJobs();
app.MapTbrmFlowDesigner();
await app.RunAsync();

/// <summary>The server's entry point (public for in-process tests).</summary>
public partial class Program;
