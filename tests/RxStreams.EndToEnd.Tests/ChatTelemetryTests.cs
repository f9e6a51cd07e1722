using System.Diagnostics;
using System.Net;
using System.Reactive.Linq;
using Chat.Model;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using RxStreams.Client;
using RxStreams.Testing;

namespace RxStreams.EndToEnd.Tests;

/// <summary>
/// The chat as it is run in production: OpenTelemetry metrics on a Prometheus scrape endpoint, traces through the
/// chat's tracer provider (an in-memory exporter added here), and the health endpoints. A .NET client chats first, so
/// the RxStreams instruments have something to show.
/// </summary>
public sealed class ChatTelemetryTests
{
    [Fact]
    public async Task The_prometheus_endpoint_shows_the_rxstreams_instruments_and_the_health_endpoints_answer()
    {
        await using var server = await ChatServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        await using (var client = await ConnectAsync(server, "Prom"))
        {
            await ChatAsync(client, "counted");
            var scrape = "";
            await Wait.UntilAsync(async () =>
            {
                scrape = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
                return scrape.Contains("rxstreams_streams{", StringComparison.Ordinal);
            }, "the scrape shows the open stream");
            foreach (var metric in s_instruments)
            {
                Assert.Contains("\n" + metric + "{", scrape, StringComparison.Ordinal);
            }
            Assert.Contains("# TYPE rxstreams_bytes_sent_bytes_total counter", scrape, StringComparison.Ordinal);
            Assert.Contains("service_name=\"rxstreams-chat\"", scrape, StringComparison.Ordinal);
            Assert.Matches(@"\nrxstreams_connections\{[^}]*\} [1-9]", scrape);
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_scrape_path_is_configurable_and_an_empty_one_turns_it_off()
    {
        await using (var moved = await ChatServer.StartAsync(configure: b => b.Configuration["Telemetry:PrometheusPath"] = "/ops/metrics"))
        {
            using var http = new HttpClient { BaseAddress = new Uri(moved.Url) };
            var scrape = await http.GetAsync(new Uri("/ops/metrics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
            Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        }
        await using (var off = await ChatServer.StartAsync(configure: b => b.Configuration["Telemetry:PrometheusPath"] = ""))
        {
            using var http = new HttpClient { BaseAddress = new Uri(off.Url) };
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        }
    }

    [Fact]
    public async Task With_a_prometheus_port_the_scrape_endpoint_answers_only_on_that_port()
    {
        var (chatPort, metricsPort) = (RedisServer.FreePort(), RedisServer.FreePort());
        await using var server = await ChatServer.StartAsync(configure: b =>
        {
            b.Configuration["Telemetry:PrometheusPort"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            b.WebHost.UseUrls($"http://127.0.0.1:{chatPort}", $"http://127.0.0.1:{metricsPort}");
        });
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri($"http://127.0.0.1:{chatPort}/metrics"))).StatusCode);
        // The chat itself is still served on its own port.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"http://127.0.0.1:{chatPort}/health/live"))).StatusCode);
    }

    [Theory]
    [InlineData("Telemetry:PrometheusPath", "metrics", "Telemetry:PrometheusPath must start with '/'")]
    [InlineData("Telemetry:PrometheusPort", "99999", "Telemetry:PrometheusPort must be a port number")]
    [InlineData("Telemetry:PrometheusPort", "0", "Telemetry:PrometheusPort must be a port number")]
    public async Task A_bad_telemetry_setting_stops_the_chat_at_startup_and_names_it(string key, string value, string message)
    {
        var error = await Assert.ThrowsAsync<Chat.Hosting.ChatSettingsException>(() => ChatServer.StartAsync(configure: b => b.Configuration[key] = value));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chat_stream_is_traced_as_a_span_under_its_websocket_request()
    {
        var spans = new List<Activity>();
        await using var server = await ChatServer.StartAsync(configure: b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        await using (var client = await ConnectAsync(server, "Tracy"))
        {
            await ChatAsync(client, "traced");
        }
        // The span ends with the stream (the client went away), then the batch exporter hands it over.
        Activity? stream = null;
        await Wait.UntilAsync(() =>
        {
            lock (spans)
            {
                stream = spans.FirstOrDefault(a => a.Source.Name == "RxStreams" && a.OperationName == "rxstreams.stream" && "chat/general".Equals(a.GetTagItem("rxstreams.route")));
            }
            return stream is not null;
        }, "the chat stream's span is exported", TimeSpan.FromSeconds(60));
        Assert.Equal(ActivityKind.Server, stream!.Kind);
        Assert.Equal("chat/{room}", stream.GetTagItem("rxstreams.template"));
        // Its parent is the WebSocket's HTTP request, in the same trace.
        Activity? request = null;
        await Wait.UntilAsync(() =>
        {
            lock (spans)
            {
                request = spans.FirstOrDefault(a => a.SpanId == stream.ParentSpanId);
            }
            return request is not null;
        }, "the WebSocket request's span is exported", TimeSpan.FromSeconds(60));
        Assert.Equal("Microsoft.AspNetCore", request!.Source.Name);
        Assert.Equal(stream.TraceId, request.TraceId);
    }

    [Fact]
    public async Task A_message_is_traced_from_the_publishing_client_through_redis_to_its_delivery_on_both_nodes()
    {
        await using var redis = await RedisServer.StartAsync();
        var spans = new List<Activity>();
        // One exporter sees the spans of both nodes: they run in this process, and activity listeners are per process.
        await using var first = await ChatServer.StartAsync(redis.ConnectionString);
        await using var second = await ChatServer.StartAsync(redis.ConnectionString, configure: b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        await using (var reader = await ConnectAsync(second, "Reader"))
        await using (var writer = await ConnectAsync(first, "Writer"))
        {
            // The reader's own message comes back: its stream on node 2 is live before the writer publishes.
            var room = reader.Open<Post, ChatMessage>("chat/general");
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var subscription = room.Subscribe(m =>
            {
                if (m.Text == "reader here")
                {
                    ready.TrySetResult();
                }
                else if (m.Text == "across nodes")
                {
                    received.TrySetResult();
                }
            });
            room.OnNext(new Post("reader here"));
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await ChatAsync(writer, "across nodes");
            await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        // The writer's stream span (node 1) → the publish span → one delivery span per node, each after the entry came
        // back from Redis with the publish's context in it.
        Activity[] Spans(Func<Activity, bool> match)
        {
            lock (spans)
            {
                return [.. spans.Where(match)];
            }
        }
        // The writer's publish is the second one on the room, after the reader's.
        Activity? publish = null;
        await Wait.UntilAsync(() => (publish = Spans(a => a.OperationName == "rxstreams.publish" && "chat:general".Equals(a.GetTagItem("rxstreams.channel")))
            .OrderBy(a => a.StartTimeUtc).Skip(1).FirstOrDefault()) is not null, "the writer's publish span is exported", TimeSpan.FromSeconds(60));
        Assert.Equal(ActivityKind.Producer, publish!.Kind);
        Activity[] deliveries = [];
        await Wait.UntilAsync(() => (deliveries = Spans(a => a.OperationName == "rxstreams.deliver" && a.ParentSpanId == publish.SpanId)).Length == 2,
            "a delivery span on each node", TimeSpan.FromSeconds(60));
        Assert.All(deliveries, d =>
        {
            Assert.Equal(ActivityKind.Consumer, d.Kind);
            Assert.Equal(publish.TraceId, d.TraceId);
            Assert.Equal("chat:general", d.GetTagItem("rxstreams.channel"));
        });
        // The publish is in the trace of the writer's connection: its WebSocket request span, which its streams share.
        Activity? writerStream = null;
        await Wait.UntilAsync(() => (writerStream = Spans(a => a.OperationName == "rxstreams.stream" && a.TraceId == publish.TraceId).FirstOrDefault()) is not null,
            "the writer's stream span is in the publish's trace", TimeSpan.FromSeconds(60));
        Assert.Equal("chat/general", writerStream!.GetTagItem("rxstreams.route"));
    }

    private static readonly string[] s_instruments =
    [
        "rxstreams_connections",
        "rxstreams_streams",
        "rxstreams_frames_received_total",
        "rxstreams_frames_sent_total",
        "rxstreams_bytes_received_bytes_total",
        "rxstreams_bytes_sent_bytes_total",
        "rxstreams_send_queue_bytes",
    ];

    private static async Task<RxStreamsClient> ConnectAsync(ChatServer server, string name)
    {
        var cookies = new CookieContainer();
        using (var handler = new HttpClientHandler { CookieContainer = cookies })
        using (var http = new HttpClient(handler) { BaseAddress = new Uri(server.Url) })
        using (var body = new StringContent(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = name }), System.Text.Encoding.UTF8, "application/json"))
        using (var response = await http.PostAsync(new Uri("/api/login", UriKind.Relative), body))
        {
            response.EnsureSuccessStatusCode();
        }
        return await RxStreamsClient.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/rx"), new RxStreamsClientOptions { ConfigureWebSocket = o => o.Cookies = cookies });
    }

    private static async Task ChatAsync(RxStreamsClient client, string text)
    {
        var stream = client.Open<Post, ChatMessage>("chat/general");
        var received = new TaskCompletionSource<ChatMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = stream.Where(m => m.Text == text).Subscribe(m => received.TrySetResult(m), e => received.TrySetException(e));
        stream.OnNext(new Post(text));
        await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
