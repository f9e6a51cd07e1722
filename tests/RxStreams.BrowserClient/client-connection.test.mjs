// The client's connection against a scripted server: handshake, sessions, keepalive, closing, reconnection
// decisions and backoff (docs/protocol.md sections 6, 8.2, 10).
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, RxStreamsError } from "../../src/RxStreams.AspNetCore/Client/rxstreams.js";
import { createNetwork, start, sleep, until, MemoryStorage, pageEvents, item, at } from "./fake-server.mjs";

test("importing the module touches no browser global; connect needs a WebSocket", () => {
  assert.equal(typeof globalThis.WebSocket === "undefined" || typeof globalThis.WebSocket === "function", true);
  assert.throws(() => connect("ws://x/rx", { WebSocket: null }), TypeError);
});

test("URLs: relative ones resolve against the page (http→ws, https→wss); ws:// ones are kept", (t) => {
  const net = createNetwork();
  const open = (url, href) => {
    globalThis.location = href ? { href } : undefined;
    try {
      const rx = connect(url, { WebSocket: net.FakeWebSocket, storage: null, sessionStorage: null });
      rx.close();
      return net.sockets.at(-1).url;
    } finally {
      delete globalThis.location;
    }
  };
  assert.equal(open("/rx", "https://chat.example.com/rooms/1"), "wss://chat.example.com/rx");
  assert.equal(open("/rx", "http://localhost:5000/"), "ws://localhost:5000/rx");
  assert.equal(open("rx?x=1", "http://localhost:5000/app/"), "ws://localhost:5000/app/rx?x=1");
  assert.equal(open("ws://other:81/rx"), "ws://other:81/rx");
  assert.equal(open("wss://other/rx", "http://localhost/"), "wss://other/rx");
  assert.equal(open(() => "/rx?token=abc", "https://a.b/"), "wss://a.b/rx?token=abc");
  assert.throws(() => open("/rx"), TypeError, "a relative URL without a page");
});

test("handshake: HELLO alone, nothing before WELCOME, then connected", async (t) => {
  const { rx, net, states } = start(t);
  assert.equal(rx.state, "connecting");
  const lobby = rx.open("chat/lobby");
  lobby.subscribe(() => {});
  const invoked = rx.invoke("math/add", { a: 1, b: 2 });
  const socket = await net.socket();
  assert.equal(socket.binaryType, "arraybuffer");
  socket.accept();
  await socket.expect("hello", { version: 1, sessionId: "" });
  await sleep(10);
  assert.deepEqual(socket.unread(), [], "nothing is sent before WELCOME");
  assert.equal(socket.messages[0].length, 1, "HELLO is alone in its message");
  socket.deliver({ type: "welcome", version: 1, sessionId: "s_abc", resumed: false, keepAliveMilliseconds: 0, maxFrameSize: 65536 });
  assert.equal(rx.state, "connected");
  assert.equal(rx.sessionId, "s_abc");
  assert.deepEqual(states, ["connected"]);
  await socket.expect("open", { streamId: 1, route: "chat/lobby", credits: 256 });
  await socket.expect("open", { streamId: 3, route: "math/add", credits: 1, payload: '{"a":1,"b":2}' });
  await socket.expect("complete", { streamId: 3 });
  assert.equal(socket.messages.length, 2, "the OPEN frames travel batched in one message");
  socket.deliver({ type: "next", streamId: 3, payload: "3" }, { type: "complete", streamId: 3 });
  assert.equal(await invoked, 3);
});

for (const [name, first, check] of [
  ["a first frame other than WELCOME", { type: "ping" }, /Expected WELCOME/],
  ["a WELCOME of another version", { type: "welcome", version: 2, sessionId: "s", resumed: false, keepAliveMilliseconds: 0, maxFrameSize: 65536 }, /"version":2/],
  ["a WELCOME announcing less than 1024 bytes", { type: "welcome", version: 1, sessionId: "s", resumed: false, keepAliveMilliseconds: 0, maxFrameSize: 1023 }, /1023/],
]) {
  test(`handshake: ${name} is a protocol_error; the client says so, closes and reconnects`, async (t) => {
    const { rx, net, errors } = start(t);
    const socket = await net.socket();
    socket.accept();
    await socket.expect("hello");
    socket.deliver(first);
    const error = await socket.expect("error", { streamId: 0, code: "protocol_error" });
    assert.match(error.message, check);
    assert.equal(socket.clientClose?.code, 1000, "the browser may close with 1000 or 3000-4999 only");
    assert.equal(rx.state, "reconnecting");
    await net.connected();
    assert.equal(rx.state, "connected");
    assert.deepEqual(errors, [], "a protocol error the client recovers from is not an application error");
  });
}

test("the session id of the last WELCOME goes back in the next HELLO", async (t) => {
  const { rx, net } = start(t);
  const first = await net.connected({ sessionId: "s_one" });
  first.drop();
  const second = await net.socket();
  await second.handshake({ sessionId: "s_one", resumed: true, expectSession: "s_one" });
  assert.equal(rx.sessionId, "s_one");
  second.drop();
  // The server did not know it any more: a new session, which is what the next HELLO carries.
  await (await net.socket()).handshake({ sessionId: "s_two", expectSession: "s_one" });
}, { timeout: 5000 });

test("sessionStorage keeps the session id across a reload only (taken on start, put back on pagehide)", async (t) => {
  const events = pageEvents(t);
  const sessionStorage = new MemoryStorage();
  const { rx, net } = start(t, { sessionStorage });
  await (await net.socket()).handshake({ sessionId: "s_kept", expectSession: "" });
  await until(() => rx.state === "connected");
  assert.equal(sessionStorage.length, 0);
  events.dispatchEvent(new Event("pagehide"));
  assert.equal(sessionStorage.length, 1);
  // The reloaded page resumes it, and takes it out (a duplicated tab would not share it).
  const second = start(t, { sessionStorage });
  await (await second.net.socket()).handshake({ sessionId: "s_kept", resumed: true, expectSession: "s_kept" });
  assert.equal(sessionStorage.length, 0);
  // A client on another endpoint has its own.
  const other = start(t, { sessionStorage }, "ws://server.test/other");
  await (await other.net.socket()).handshake({ expectSession: "" });
});

test("PING is answered with PONG; an unsolicited PONG is ignored", async (t) => {
  const { net, errors } = start(t);
  const socket = await net.connected();
  socket.deliver({ type: "pong" }, { type: "ping" });
  await socket.expect("pong");
  socket.deliver({ type: "ping" }, { type: "ping" });
  await socket.expect("pong");
  await socket.expect("pong");
  assert.deepEqual(errors, []);
});

test("dead peer: nothing received for twice the keepalive drops the connection and reconnects", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected({ keepAliveMilliseconds: 100 });
  // Pings every 25 ms keep it up (dead after 200 ms of silence: room for a loaded machine's late timers).
  let silentSince = 0;
  for (let i = 0; i < 6; i++) {
    await sleep(25);
    silentSince = Date.now();
    socket.deliver({ type: "ping" });
  }
  assert.equal(rx.state, "connected");
  assert.equal(net.sockets.length, 1);
  await until(() => rx.state === "reconnecting", "the dead peer to be detected");
  const elapsed = Date.now() - silentSince;
  assert.ok(elapsed >= 198, `detected after ${elapsed} ms, not before 2 × 100`); // Date.now() rounds to the ms
  assert.ok(socket.clientClose, "the dead socket is closed");
  await net.connected();
  assert.equal(rx.state, "connected");
});

test("keepalive 0 disables the dead-peer timer", async (t) => {
  const { rx, net } = start(t);
  await net.connected({ keepAliveMilliseconds: 0 });
  await sleep(60);
  assert.equal(rx.state, "connected");
});

test("connect timeout: no WELCOME in time aborts the socket and retries", async (t) => {
  const { rx, net } = start(t, { connectTimeout: 30 });
  const silent = await net.socket();
  silent.accept();
  await silent.expect("hello");
  const next = await net.socket();
  assert.ok(silent.clientClose, "the first socket was closed");
  assert.ok(next.createdAt - silent.createdAt >= 29);
  await next.handshake();
  assert.equal(rx.state, "connected");
});

test("reconnects after 1006, 1001 (server_shutting_down), 1011 and a connection ERROR", async (t) => {
  const { rx, net, errors, states } = start(t);
  let socket = await net.connected();
  socket.drop(1006);
  socket = await net.connected();
  socket.deliver({ type: "error", streamId: 0, code: "server_shutting_down", message: "The server is shutting down; reconnect." });
  socket.drop(1001);
  socket = await net.connected();
  socket.drop(1011);
  socket = await net.connected();
  socket.deliver({ type: "error", streamId: 0, code: "keepalive_timeout", message: "late" });
  socket = await net.connected();
  assert.equal(rx.state, "connected");
  assert.deepEqual(states, ["connected", "reconnecting", "connected", "reconnecting", "connected", "reconnecting", "connected", "reconnecting", "connected"]);
  assert.deepEqual(errors, []);
});

test("server_shutting_down: the socket stays until the server closes, a request in flight is answered, then the client reconnects at once and resumes", async (t) => {
  // A backoff of 30 to 60 s: only the move makes the reconnection prompt.
  const { rx, net, errors, states } = start(t, { reconnectDelay: 60000, maxReconnectDelay: 60000 });
  const socket = await net.connected();
  const seen = [];
  rx.open("feed").subscribe((v) => seen.push(v));
  await socket.expect("open", { streamId: 1, route: "feed" });
  socket.deliver(item(1, "a", at(1)));
  const answer = rx.invoke("math/add", { a: 1, b: 2 });
  await socket.expect("open", { streamId: 3, route: "math/add" });
  await socket.expect("complete", { streamId: 3 });

  socket.deliver({ type: "error", streamId: 0, code: "server_shutting_down", message: "This node is shutting down: reconnect now, to another node." });
  assert.equal(socket.clientClose, null, "the client keeps the draining connection");
  assert.equal(rx.state, "connected");
  socket.deliver({ type: "next", streamId: 3, payload: "3" }, { type: "complete", streamId: 3 }, item(1, "b", at(2)));
  assert.equal(await answer, 3, "the request in flight is answered on the draining connection");
  socket.drop(1001, "server_shutting_down");

  const next = await net.socket(5000);
  await next.handshake();
  await next.expect("open", { streamId: 1, route: "feed", offset: at(2) });
  next.deliver(item(1, "c", at(3)));
  assert.deepEqual(seen, ["a", "b", "c"]);
  assert.deepEqual(states, ["connected", "reconnecting", "connected"]);
  assert.deepEqual(errors, []);
});

test("no reconnection after a close 1000 from the server", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  const seen = [];
  rx.open("feed").subscribe({ next() {}, error: (e) => seen.push(e.code) });
  socket.drop(1000);
  assert.equal(rx.state, "closed");
  await sleep(40);
  assert.equal(net.sockets.length, 1);
  assert.deepEqual(seen, ["closed"]);
  assert.deepEqual(errors.map((e) => e.code), ["closed"]);
  await assert.rejects(rx.invoke("x", 1), { code: "closed" });
  assert.throws(() => rx.open("other"), { code: "closed" });
});

test("no reconnection after unsupported_version: the application is told", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.socket();
  socket.accept();
  await socket.expect("hello");
  const pending = rx.invoke("math/add", {});
  socket.deliver({ type: "error", streamId: 0, code: "unsupported_version", message: "server speaks version 2" });
  socket.drop(1002);
  assert.equal(rx.state, "closed");
  await assert.rejects(pending, { code: "unsupported_version", message: "server speaks version 2" });
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof RxStreamsError);
  assert.equal(errors[0].code, "unsupported_version");
  await sleep(30);
  assert.equal(net.sockets.length, 1);
});

test("backoff: attempt k waits a random time in [d/2, d], d = min(max, initial × 2^k)", async (t) => {
  const { net } = start(t, { reconnectDelay: 40, maxReconnectDelay: 160 });
  const first = await net.connected();
  const dropped = [Date.now()];
  first.drop();
  const created = [];
  const bounds = [[20, 40], [40, 80], [80, 160], [80, 160], [80, 160]];
  for (let k = 0; k < bounds.length; k++) {
    const socket = await net.socket(3000);
    created.push(socket.createdAt);
    dropped.push(Date.now());
    socket.drop(); // refused again
  }
  for (let k = 0; k < bounds.length; k++) {
    // From the drop to the client creating its next socket: the test's polling lag is not in it.
    const waited = created[k] - dropped[k];
    const [low, high] = bounds[k];
    // Never early; late by up to 250 ms on a loaded machine (its timers lag there).
    assert.ok(waited >= low - 2 && waited <= high + 250, `attempt ${k} waited ${waited} ms, expected [${low}, ${high}]`);
  }
}, { timeout: 10000 });

test("gives up after maxReconnectAttempts failed attempts in a row", async (t) => {
  const { rx, net, errors } = start(t, { maxReconnectAttempts: 2 });
  (await net.connected()).drop();
  (await net.socket()).drop();
  (await net.socket()).drop();
  assert.equal(rx.state, "closed");
  assert.equal(errors.at(-1).code, "connection_lost");
  await sleep(30);
  assert.equal(net.sockets.length, 3);
});

test("a WELCOME resets the count of failed attempts", async (t) => {
  const { rx, net } = start(t, { maxReconnectAttempts: 1 });
  for (let i = 0; i < 4; i++) (await net.connected()).drop();
  await net.connected();
  assert.equal(rx.state, "connected");
});

test("close(): sends queued frames, closes 1000, settles everything, never reconnects", async (t) => {
  const { rx, net, states } = start(t);
  const socket = await net.connected();
  const chat = rx.open("chat/x");
  const ends = [];
  chat.subscribe({ next() {}, complete: () => ends.push("complete"), error: (e) => ends.push(e.code) });
  await socket.expect("open");
  const pending = rx.invoke("slow", 1);
  chat.next({ text: "bye" });
  rx.close();
  await socket.expect("open", { route: "slow" });
  await socket.expect("complete", { streamId: 3 }); // the request is the only input (7.3)
  await socket.expect("next", { payload: '{"text":"bye"}' });
  assert.deepEqual(socket.clientClose, { code: 1000, reason: undefined });
  assert.equal(rx.state, "closed");
  assert.equal(states.at(-1), "closed");
  await assert.rejects(pending, { code: "closed" });
  assert.deepEqual(ends, ["complete"]);
  assert.throws(() => chat.next({}), { code: "closed" });
  await sleep(30);
  assert.equal(net.sockets.length, 1);
  rx.close(); // twice is fine
});

test("a text message is a protocol_error", async (t) => {
  const { net } = start(t);
  const socket = await net.connected();
  socket.deliverText("hello");
  await socket.expect("error", { streamId: 0, code: "protocol_error" });
  await net.connected();
});

test("a malformed message: frames before the bad one are processed, then ERROR(0) and reconnect", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const got = [];
  rx.open("feed").subscribe((v) => got.push(v));
  await socket.expect("open", { streamId: 1 });
  // NEXT {"n":1}, then a REQUEST with n = 0.
  socket.deliverBytes(Uint8Array.from([0x0a, 0x04, 0x01, 0x00, ...Buffer.from('{"n":1}'), 0x03, 0x08, 0x01, 0x00]));
  assert.deepEqual(got, [{ n: 1 }]);
  await socket.expect("error", { streamId: 0, code: "protocol_error" });
  await net.connected();
});

test("a message larger than the maximum frame size is frame_too_large", async (t) => {
  const { net } = start(t);
  const socket = await net.connected({ maxFrameSize: 1024 });
  socket.deliverBytes(new Uint8Array(1025).fill(1));
  await socket.expect("error", { streamId: 0, code: "frame_too_large" });
  await net.connected();
});

test("frames the server may not send are protocol errors", async (t) => {
  const { rx, net } = start(t);
  let socket = await net.connected();
  socket.deliver({ type: "welcome", version: 1, sessionId: "s", resumed: false, keepAliveMilliseconds: 0, maxFrameSize: 65536 });
  await socket.expect("error", { code: "protocol_error" });
  socket = await net.connected();
  socket.deliver({ type: "hello", version: 1, sessionId: "" });
  await socket.expect("error", { code: "protocol_error" });
  socket = await net.connected();
  rx.open("feed").subscribe(() => {});
  await socket.expect("open", { streamId: 1 });
  socket.deliver({ type: "request", streamId: 1, n: 5 }); // the responder does not grant credits
  assert.match((await socket.expect("error", { code: "protocol_error" })).message, /REQUEST on stream 1/);
  socket = await net.connected();
  await socket.expect("open", { streamId: 1 });
  socket.deliver({ type: "cancel", streamId: 1 });
  await socket.expect("error", { code: "protocol_error" });
  socket = await net.connected();
  await socket.expect("open", { streamId: 1 });
  socket.deliver({ type: "next", streamId: 3, payload: "{}" }); // never opened
  assert.match((await socket.expect("error", { code: "protocol_error" })).message, /never opened/);
  socket = await net.connected();
  await socket.expect("open", { streamId: 1 });
  socket.deliver({ type: "open", streamId: 3, route: "x", credits: 1 }); // the server's ids are even
  await socket.expect("error", { streamId: 0, code: "protocol_error" });
});

test("a server-opened stream for a name this client does not serve is refused with no_such_server", async (t) => {
  const { net, errors } = start(t);
  const socket = await net.connected();
  socket.deliver({ type: "open", streamId: 2, route: "calc", credits: 1, payload: "{}" });
  await socket.expect("error", { streamId: 2, code: "no_such_server" });
  // Its late frames are ignored; an id it never opened is not.
  socket.deliver({ type: "next", streamId: 2, payload: "{}" }, { type: "cancel", streamId: 2 }, { type: "ping" });
  await socket.expect("pong");
  socket.deliver({ type: "open", streamId: 2, route: "again", credits: 1 });
  await socket.expect("error", { streamId: 0, code: "protocol_error" });
  assert.deepEqual(errors, []);
});

test("on(): listeners can be removed; unknown events are refused; onStateChange is called", async (t) => {
  const seen = [];
  const { rx, net } = start(t, { onStateChange: (s) => seen.push("option:" + s) });
  const off = rx.on("state", (s) => seen.push("listener:" + s));
  const socket = await net.connected();
  off();
  socket.drop();
  await until(() => rx.state === "reconnecting");
  assert.deepEqual(seen, ["option:connected", "listener:connected", "option:reconnecting"]);
  assert.throws(() => rx.on("nope", () => {}), TypeError);
});

test("logger: connection events are logged through the given logger", async (t) => {
  const lines = [];
  const logger = { info: (...a) => lines.push(["info", ...a].join(" ")), warn: (...a) => lines.push(["warn", ...a].join(" ")) };
  const { net } = start(t, { logger });
  (await net.connected({ sessionId: "s_log" })).drop();
  await net.connected();
  assert.ok(lines.some((l) => l.includes("connected (session s_log")), lines.join("\n"));
  assert.ok(lines.some((l) => l.startsWith("warn") && l.includes("connection lost")), lines.join("\n"));
});

test("logger: a socket error is logged with the reason ws gives, and not at all when, as in browsers, it has none", async (t) => {
  const lines = [];
  const logger = { info: (...a) => lines.push(["info", ...a].join(" ")), warn: (...a) => lines.push(["warn", ...a].join(" ")) };
  const { rx, net } = start(t, { logger });
  const browser = await net.socket();
  browser.onerror({ type: "error" }); // a browser's error event: no message
  browser.drop();
  await until(() => rx.state === "reconnecting");
  const ws = await net.socket(5000);
  ws.onerror({ type: "error", message: "connect ECONNREFUSED 127.0.0.1:9" });
  ws.drop();
  await until(() => lines.some((l) => l.includes("socket error: connect ECONNREFUSED 127.0.0.1:9")), "the ws error logged");
  assert.deepEqual(lines.filter((l) => l.includes("socket error")), ["warn [rxstreams] socket error: connect ECONNREFUSED 127.0.0.1:9"]);
});
