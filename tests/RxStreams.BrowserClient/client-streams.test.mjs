// Streams of the client against a scripted server: multiplexing, sharing, credits, batching, input, late frames,
// reconnection with offsets and dedupe, not_recovered (docs/protocol.md sections 7, 8).
import { test } from "node:test";
import assert from "node:assert/strict";
import { start, sleep, until, at, item } from "./fake-server.mjs";

test("multiplexing: each stream has its own odd id; frames reach the right subscribers", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const lobby = [];
  const prices = [];
  rx.open("chat/lobby").subscribe((m) => lobby.push(m));
  rx.subscribe("feed/prices", (p) => prices.push(p));
  await socket.expect("open", { streamId: 1, route: "chat/lobby" });
  await socket.expect("open", { streamId: 3, route: "feed/prices" });
  socket.deliver(item(3, { p: 1 }), item(1, { text: "hi" }), item(3, { p: 2 }));
  assert.deepEqual(lobby, [{ text: "hi" }]);
  assert.deepEqual(prices, [{ p: 1 }, { p: 2 }]);
});

test("open() is shared: one OPEN for many subscribers, CANCEL when the last leaves; ids are never reused", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const lobby = rx.open("chat/lobby");
  assert.equal(rx.open("chat/lobby"), lobby, "the same route gives the same stream");
  const a = [];
  const b = [];
  const offA = lobby.subscribe((m) => a.push(m));
  const offB = lobby.subscribe({ next: (m) => b.push(m) });
  assert.equal(lobby.active, true);
  await socket.expect("open", { streamId: 1 });
  socket.deliver(item(1, "x", at(1)));
  assert.deepEqual([a, b], [["x"], ["x"]]);
  offA();
  offA(); // idempotent
  socket.deliver(item(1, "y", at(2)));
  assert.deepEqual([a, b], [["x"], ["x", "y"]]);
  await sleep(5);
  assert.deepEqual(socket.unread(), [], "no CANCEL while a subscriber is left");
  offB.unsubscribe(); // RxJS-style too
  await socket.expect("cancel", { streamId: 1 });
  assert.equal(lobby.active, false);
  // A frame that was in flight is late: ignored.
  socket.deliver(item(1, "late", at(3)), { type: "complete", streamId: 1 });
  // Subscribing again opens a new id, resuming after the last offset delivered.
  lobby.subscribe((m) => a.push(m));
  await socket.expect("open", { streamId: 3, route: "chat/lobby", offset: at(2) });
  assert.deepEqual(a, ["x"]);
});

test("credits: the window is granted in OPEN and renewed with REQUEST as the app consumes", async (t) => {
  const { rx, net } = start(t, { credits: 4 });
  const socket = await net.connected();
  const got = [];
  rx.open("feed").subscribe((v) => got.push(v));
  await socket.expect("open", { streamId: 1, credits: 4 });
  socket.deliver(item(1, 1));
  await sleep(5);
  assert.deepEqual(socket.unread(), []);
  socket.deliver(item(1, 2));
  await socket.expect("request", { streamId: 1, n: 2 });
  socket.deliver(item(1, 3), item(1, 4), item(1, 5), item(1, 6));
  await socket.expect("request", { streamId: 1, n: 2 });
  await socket.expect("request", { streamId: 1, n: 2 });
  assert.equal(socket.messages.at(-1).length, 2, "both REQUESTs in one batch");
  assert.deepEqual(got, [1, 2, 3, 4, 5, 6]);
});

test("credits: a window of 1 is renewed after every item; per-stream windows override the client's", async (t) => {
  const { rx, net } = start(t, { credits: 2 });
  const socket = await net.connected();
  const got = [];
  rx.open("feed", { credits: 1 }).subscribe((v) => got.push(v));
  await socket.expect("open", { credits: 1 });
  socket.deliver(item(1, 1), item(1, 2), item(1, 3));
  assert.deepEqual(got, [1, 2, 3]);
  for (let i = 0; i < 3; i++) await socket.expect("request", { streamId: 1, n: 1 });
  assert.equal(socket.messages.at(-1).length, 3, "the three REQUESTs travel in one batch");
});

test("credits: Infinity opens unbounded and never sends REQUEST", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const got = [];
  rx.open("firehose", { credits: Infinity }).subscribe((v) => got.push(v));
  await socket.expect("open", { credits: 4294967295 });
  socket.deliver(...Array.from({ length: 600 }, (_, i) => item(1, i)));
  await sleep(5);
  assert.equal(got.length, 600);
  assert.deepEqual(socket.unread(), []);
});

test("batching out: frames of one task go in one message; a batch never exceeds the maximum frame size", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected({ maxFrameSize: 1024 });
  const chat = rx.open("chat/x");
  chat.subscribe(() => {});
  const text = "x".repeat(380);
  chat.next({ text });
  chat.next({ text });
  chat.next({ text });
  await socket.expect("open");
  await socket.expect("next");
  await socket.expect("next");
  await socket.expect("next");
  const sizes = socket.messages.slice(1).map((m) => m.length);
  assert.deepEqual(sizes, [3, 1], "OPEN + 2 NEXT fit in 1024 bytes, the third goes in a second message");
  assert.throws(() => chat.next({ text: "y".repeat(1024) }), { code: "frame_too_large" });
});

test("duplex input: next() sends NEXT (JSON), complete() sends COMPLETE; the output goes on", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const chat = rx.open("chat/lobby");
  const got = [];
  chat.subscribe((m) => got.push(m));
  chat.next({ text: "hello", n: 1, ok: true });
  await socket.expect("open", { streamId: 1 });
  await socket.expect("next", { streamId: 1, payload: '{"text":"hello","n":1,"ok":true}' });
  chat.complete();
  await socket.expect("complete", { streamId: 1 });
  assert.throws(() => chat.next({}), { code: "input_completed" });
  socket.deliver(item(1, { text: "still here" }));
  assert.deepEqual(got, [{ text: "still here" }]);
});

test("input without a subscriber opens the stream; complete() then closes it", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const typing = rx.open("typing/lobby");
  typing.next({ typing: true });
  await socket.expect("open", { streamId: 1 });
  await socket.expect("next", { payload: '{"typing":true}' });
  typing.complete();
  await socket.expect("complete", { streamId: 1 });
  await socket.expect("cancel", { streamId: 1 });
  assert.equal(typing.active, false);
});

test("the server's COMPLETE and ERROR end the stream for every subscriber", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  const events = [];
  const a = rx.open("a");
  a.subscribe({ next: (v) => events.push(["a", v]), complete: () => events.push(["a", "done"]) });
  a.subscribe({ complete: () => events.push(["a2", "done"]) });
  rx.open("b").subscribe({ error: (e) => events.push(["b", e.code, e.message, e.route]) });
  rx.open("c").subscribe(() => {}); // no error handler: the client's "error" event gets it
  await socket.expect("open", { route: "a" });
  await socket.expect("open", { route: "b" });
  await socket.expect("open", { route: "c" });
  socket.deliver(
    item(1, 7),
    { type: "complete", streamId: 1 },
    { type: "error", streamId: 3, code: "forbidden", message: "Not yours." },
    { type: "error", streamId: 5, code: "route_not_found", message: "No." },
  );
  assert.deepEqual(events, [["a", 7], ["a", "done"], ["a2", "done"], ["b", "forbidden", "Not yours.", "b"]]);
  assert.deepEqual(errors.map((e) => [e.code, e.route]), [["route_not_found", "c"]]);
  assert.equal(rx.open("a").active, false);
  // Ended streams are not reopened on reconnection; frames for them are late.
  socket.deliver(item(3, "late"));
  socket.drop();
  const next = await net.connected();
  await sleep(10);
  assert.deepEqual(next.unread(), []);
});

test("reconnection: every live stream is reopened with its last offset; duplicates are dropped", async (t) => {
  const { rx, net, errors, states } = start(t);
  let socket = await net.connected({ sessionId: "s1" });
  const lobby = [];
  const live = [];
  const ends = [];
  rx.open("chat/lobby").subscribe({ next: (m, offset) => lobby.push([m, offset]), error: (e) => ends.push(e) });
  rx.open("presence/lobby").subscribe((p) => live.push(p));
  await socket.expect("open", { streamId: 1, route: "chat/lobby" });
  await socket.expect("open", { streamId: 3, route: "presence/lobby" });
  socket.deliver(item(1, "a", at(1)), item(1, "b", at(2, 1)), item(3, "alice"));
  socket.drop();
  assert.equal(rx.state, "reconnecting");
  assert.equal(rx.open("chat/lobby").lastOffset, at(2, 1));

  socket = await net.socket();
  await socket.handshake({ sessionId: "s1", resumed: true, expectSession: "s1" });
  // Fresh ids on the new connection; the resumable stream with its offset, the live-only one without.
  const reopened = [await socket.expect("open"), await socket.expect("open")];
  assert.deepEqual(reopened.map((f) => [f.streamId, f.route, f.offset, f.credits]), [
    [1, "chat/lobby", at(2, 1), 256],
    [3, "presence/lobby", undefined, 256],
  ]);
  // A server that replays too much: only what comes after the last offset is delivered.
  socket.deliver(item(1, "a", at(1)), item(1, "b", at(2, 1)), item(1, "c", at(2, 2)), item(1, "d", at(3)), item(1, "old", at(2, 5)));
  assert.deepEqual(lobby, [["a", at(1)], ["b", at(2, 1)], ["c", at(2, 2)], ["d", at(3)]]);
  assert.deepEqual(ends, []);
  assert.deepEqual(errors, []);
  assert.deepEqual(states, ["connected", "reconnecting", "connected"]);
});

test("reconnection: the credits window starts afresh on the new stream", async (t) => {
  const { rx, net } = start(t, { credits: 4 });
  let socket = await net.connected();
  rx.open("feed").subscribe(() => {});
  await socket.expect("open", { credits: 4 });
  socket.deliver(item(1, 1, at(1)));
  socket.drop();
  socket = await net.connected();
  await socket.expect("open", { credits: 4, offset: at(1) });
  socket.deliver(item(1, 2, at(2)), item(1, 3, at(3)));
  await socket.expect("request", { streamId: 1, n: 2 });
});

test("input while disconnected is buffered (bounded) and sent after the reopened OPEN; input is at most once", async (t) => {
  const { rx, net, errors } = start(t, { maxBuffered: 3 });
  let socket = await net.connected();
  const chat = rx.open("chat/lobby");
  chat.subscribe(() => {});
  chat.next({ n: 1 });
  await socket.expect("open");
  await socket.expect("next", { payload: '{"n":1}' });
  socket.drop();
  chat.next({ n: 2 });
  chat.next({ n: 3 });
  rx.open("other").next({ n: 4 });
  assert.throws(() => chat.next({ n: 5 }), { code: "buffer_full", route: "chat/lobby" });
  socket = await net.connected();
  const frames = [];
  for (let i = 0; i < 5; i++) frames.push(await socket.expect());
  assert.deepEqual(
    frames.map((f) => [f.type, f.streamId, f.payload]),
    [
      ["open", 1, undefined],
      ["next", 1, '{"n":2}'],
      ["next", 1, '{"n":3}'],
      ["open", 3, undefined],
      ["next", 3, '{"n":4}'],
    ],
    "OPEN never carries the original input; {n:1} is not resent",
  );
  chat.next({ n: 6 }); // the buffer is free again
  await socket.expect("next", { payload: '{"n":6}' });
  assert.deepEqual(errors, []);
});

test("input buffered before the first connection, and a completed input, are replayed on the OPEN", async (t) => {
  const { rx, net } = start(t);
  const chat = rx.open("chat/lobby");
  chat.subscribe(() => {});
  chat.next("first");
  chat.complete();
  let socket = await net.connected();
  await socket.expect("open", { streamId: 1 });
  await socket.expect("next", { payload: '"first"' });
  await socket.expect("complete", { streamId: 1 });
  socket.drop();
  socket = await net.connected();
  await socket.expect("open", { streamId: 1 });
  await socket.expect("complete", { streamId: 1 }); // the new server stream learns the input is done
});

test("unsubscribing drops input that waited for the connection", async (t) => {
  const { rx, net } = start(t);
  const chat = rx.open("chat/lobby");
  const off = chat.subscribe(() => {});
  chat.next("never sent");
  off();
  const socket = await net.connected();
  await sleep(10);
  assert.deepEqual(socket.unread(), []);
});

test("not_recovered: the application is told (route, offset it had, first available) and the stream restarts from 0-0", async (t) => {
  const { rx, net, notRecovered, errors } = start(t);
  let socket = await net.connected();
  const got = [];
  const lobby = rx.open("chat/lobby");
  lobby.subscribe({ next: (m) => got.push(m), error: (e) => got.push(e.code) });
  await socket.expect("open", { streamId: 1 });
  socket.deliver(item(1, "a", at(1)));
  socket.drop();
  socket = await net.connected();
  await socket.expect("open", { streamId: 1, offset: at(1) });
  socket.deliver({ type: "error", streamId: 1, code: "not_recovered", message: "The history starts after your offset.", offset: at(50) });
  await socket.expect("open", { streamId: 3, route: "chat/lobby", offset: "0-0" });
  assert.deepEqual(notRecovered, [{ route: "chat/lobby", lastOffset: at(1), firstOffset: at(50), message: "The history starts after your offset." }]);
  socket.deliver(item(3, "f", at(50)), item(3, "g", at(51)));
  assert.deepEqual(got, ["a", "f", "g"]);
  assert.equal(lobby.lastOffset, at(51));
  assert.deepEqual(errors, []);
});

test("not_recovered from a channel whose offsets went back (a new history): the stream starts afresh", async (t) => {
  const { rx, net, notRecovered } = start(t);
  let socket = await net.connected();
  const got = [];
  rx.open("chat/lobby", { after: at(900) }).subscribe((m) => got.push(m));
  await socket.expect("open", { streamId: 1, offset: at(900) });
  socket.deliver({ type: "error", streamId: 1, code: "not_recovered", message: "gone", offset: at(5) });
  await socket.expect("open", { streamId: 3, offset: "0-0" });
  socket.deliver(item(3, "new", at(5)));
  assert.deepEqual(got, ["new"], "not dropped as a duplicate of the old history");
  assert.equal(notRecovered.length, 1);
});

test("an unsubscribe from the notRecovered listener is honoured (no reopen)", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const off = rx.open("chat/lobby", { after: at(1) }).subscribe(() => {});
  rx.on("notRecovered", () => off());
  await socket.expect("open", { streamId: 1 });
  socket.deliver({ type: "error", streamId: 1, code: "not_recovered", message: "gone", offset: at(5) });
  await sleep(10);
  assert.deepEqual(socket.unread(), []);
});

test("observers: next gets (value, offset); an observer that throws is reported and the others still get the item", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  const got = [];
  const stream = rx.open("feed");
  stream.subscribe(() => {
    throw new Error("widget bug");
  });
  stream.subscribe((v, offset) => got.push([v, offset]));
  await socket.expect("open");
  socket.deliver(item(1, { a: 1 }, at(1)), item(1, null), { type: "next", streamId: 1, payload: "" });
  assert.deepEqual(got, [[{ a: 1 }, at(1)], [null, undefined], [undefined, undefined]]);
  assert.deepEqual(errors.map((e) => e.message), ["widget bug", "widget bug", "widget bug"]);
});

test("a payload that is not JSON is reported and skipped; the stream goes on", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  const got = [];
  rx.open("feed").subscribe((v) => got.push(v));
  await socket.expect("open");
  socket.deliver({ type: "next", streamId: 1, payload: "not json {" }, item(1, 2));
  assert.deepEqual(got, [2]);
  assert.deepEqual(errors.map((e) => [e.code, e.route]), [["invalid_payload", "feed"]]);
});

test("streams interoperate with observable libraries (Symbol.observable / @@observable)", async (t) => {
  const { rx } = start(t);
  const stream = rx.open("feed");
  const key = Symbol.observable ?? "@@observable";
  assert.equal(stream[key](), stream);
  const off = stream.subscribe({});
  assert.equal(typeof off, "function");
  assert.equal(off.unsubscribe, off);
  off();
});

test("open() validates the resume offset", (t) => {
  const { rx } = start(t);
  assert.throws(() => rx.open("x", { after: "yesterday" }), TypeError);
});

test("a subscriber added while connected during a batch sees only later items", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const first = [];
  const later = [];
  const stream = rx.open("feed");
  stream.subscribe((v) => {
    first.push(v);
    if (v === 1) stream.subscribe((w) => later.push(w));
  });
  await socket.expect("open");
  socket.deliver(item(1, 1), item(1, 2));
  await until(() => first.length === 2);
  assert.deepEqual(later, [2]);
});
