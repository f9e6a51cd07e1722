// Shared services: a browser tab hosts a named service (a counter and a whiteboard whose state lives in that tab),
// and other tabs connect to it by name through the server. See README.md beside this file.
//
//   dotnet run --project examples/SharedServices                                   # in-memory backplane
//   dotnet run --project examples/SharedServices -- --urls http://127.0.0.1:5001 --redis localhost:6379
using SharedServices;

var app = SharedServicesApp.Build(args);
app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var url in app.Urls)
    {
        Console.WriteLine($"Shared services: open {url} in two or more browser tabs ({SharedServicesApp.Backplane(app)}).");
    }
});
app.Run();
