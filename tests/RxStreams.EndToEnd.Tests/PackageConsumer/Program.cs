using RxStreams.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddRxStreams();
var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapRxStreams("/rx");
app.Run();
