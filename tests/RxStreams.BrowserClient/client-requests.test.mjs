// invoke (request/response) and send (fire-and-forget) against a scripted server (docs/protocol.md 7.3, 8.2).
import { test } from "node:test";
import assert from "node:assert/strict";
import { RxStreamsError } from "../../src/RxStreams.AspNetCore/Client/rxstreams.js";
import { start, sleep } from "./fake-server.mjs";

test("invoke: OPEN with the request as payload and 1 credit, then COMPLETE; resolves with the response", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const sum = rx.invoke("math/add", { a: 1, b: 2 });
  await socket.expect("open", { streamId: 1, route: "math/add", credits: 1, payload: '{"a":1,"b":2}', offset: undefined });
  // 7.3: the request is the only input; on a duplex route ($connect/{name}) this ends the handler's input.
  await socket.expect("complete", { streamId: 1 });
  assert.deepEqual(socket.messages.at(-1).map((f) => f.type), ["open", "complete"], "in one message");
  socket.deliver({ type: "next", streamId: 1, payload: '{"sum":3}' }, { type: "complete", streamId: 1 });
  assert.deepEqual(await sum, { sum: 3 });
});

test("invoke: concurrent requests are multiplexed and settle independently", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const a = rx.invoke("double", 1);
  const b = rx.invoke("double", 2);
  const c = rx.invoke("double", 3);
  for (const [streamId, payload] of [[1, "1"], [3, "2"], [5, "3"]]) {
    await socket.expect("open", { streamId, payload });
    await socket.expect("complete", { streamId });
  }
  socket.deliver({ type: "next", streamId: 5, payload: "6" }, { type: "next", streamId: 1, payload: "2" }, { type: "complete", streamId: 5 });
  assert.equal(await c, 6);
  socket.deliver({ type: "complete", streamId: 1 }, { type: "error", streamId: 3, code: "handler_error", message: "The handler failed." });
  assert.equal(await a, 2);
  await assert.rejects(b, { code: "handler_error" });
});

test("invoke: a server ERROR rejects with an RxStreamsError carrying .code, .message and .route", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  const call = rx.invoke("seats/book", { n: 3 });
  await socket.expect("open");
  socket.deliver({ type: "error", streamId: 1, code: "out_of_stock", message: "No more seats." });
  const error = await call.catch((e) => e);
  assert.ok(error instanceof RxStreamsError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, "RxStreamsError");
  assert.equal(error.code, "out_of_stock");
  assert.equal(error.message, "No more seats.");
  assert.equal(error.route, "seats/book");
  assert.deepEqual(errors, [], "a rejected promise is the application's to handle");
});

test("invoke: timeout rejects with code timeout and CANCELs the stream; its late answer is ignored", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  const started = Date.now();
  const call = rx.invoke("slow", {}, { timeout: 30 });
  await socket.expect("open", { streamId: 1 });
  await socket.expect("complete", { streamId: 1 });
  await assert.rejects(call, { code: "timeout", route: "slow" });
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 28, `rejected after ${elapsed} ms, before its 30 ms timeout`); // Date.now() rounds to the ms
  await socket.expect("cancel", { streamId: 1 });
  socket.deliver({ type: "next", streamId: 1, payload: "1" }, { type: "complete", streamId: 1 }, { type: "ping" });
  await socket.expect("pong");
  assert.deepEqual(errors, []);
});

test("invoke: the client's invokeTimeout is the default; 0 or Infinity waits forever", async (t) => {
  const { rx, net } = start(t, { invokeTimeout: 20 });
  const socket = await net.connected();
  await assert.rejects(rx.invoke("slow", {}), { code: "timeout" });
  const forever = rx.invoke("slow", {}, { timeout: 0 });
  await sleep(40);
  socket.deliver({ type: "next", streamId: 3, payload: '"late but fine"' }, { type: "complete", streamId: 3 });
  assert.equal(await forever, "late but fine");
});

test("invoke: an AbortSignal cancels the call (CANCEL on the wire) and rejects with an AbortError", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const controller = new AbortController();
  const call = rx.invoke("search", { q: "x" }, { signal: controller.signal });
  await socket.expect("open", { streamId: 1 });
  await socket.expect("complete", { streamId: 1 });
  controller.abort(new Error("the user typed again"));
  const error = await call.catch((e) => e);
  assert.equal(error.name, "AbortError");
  assert.equal(error.code, "aborted");
  assert.equal(error.cause.message, "the user typed again");
  await socket.expect("cancel", { streamId: 1 });
});

test("invoke: an already aborted signal rejects at once and sends nothing", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  await assert.rejects(rx.invoke("search", {}, { signal: AbortSignal.abort() }), { name: "AbortError" });
  await sleep(10);
  assert.deepEqual(socket.unread(), []);
});

test("invoke: aborted or timed out while disconnected, nothing is ever sent", async (t) => {
  const { rx, net } = start(t);
  const controller = new AbortController();
  const call = rx.invoke("search", {}, { signal: controller.signal });
  const timed = rx.invoke("search", {}, { timeout: 10 });
  controller.abort();
  await assert.rejects(call, { name: "AbortError" });
  await assert.rejects(timed, { code: "timeout" });
  const socket = await net.connected();
  await sleep(10);
  assert.deepEqual(socket.unread(), []);
});

test("invoke: a request in flight when the connection drops fails with connection_lost; it is not resent", async (t) => {
  const { rx, net } = start(t);
  let socket = await net.connected();
  const call = rx.invoke("pay", { amount: 10 });
  await socket.expect("open", { route: "pay" });
  socket.drop();
  await assert.rejects(call, { code: "connection_lost", route: "pay" });
  socket = await net.connected();
  await sleep(10);
  assert.deepEqual(socket.unread(), []);
});

test("invoke: a request made while disconnected waits for the connection, then goes out", async (t) => {
  const { rx, net } = start(t);
  let socket = await net.connected();
  socket.drop();
  const call = rx.invoke("math/add", { a: 2, b: 2 });
  socket = await net.connected();
  await socket.expect("open", { streamId: 1, route: "math/add" });
  socket.deliver({ type: "next", streamId: 1, payload: "4" }, { type: "complete", streamId: 1 });
  assert.equal(await call, 4);
});

test("invoke: a second NEXT on a request stream (1 credit) is a protocol_error", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const call = rx.invoke("x", 1);
  await socket.expect("open");
  await socket.expect("complete");
  socket.deliver({ type: "next", streamId: 1, payload: "1" }, { type: "next", streamId: 1, payload: "2" });
  await socket.expect("error", { streamId: 0, code: "protocol_error" });
  await assert.rejects(call, { code: "connection_lost" });
});

test("invoke: a request too large for a frame is refused locally with frame_too_large", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected({ maxFrameSize: 1024 });
  await assert.rejects(rx.invoke("upload", { data: "x".repeat(2000) }), { code: "frame_too_large" });
  await sleep(10);
  assert.deepEqual(socket.unread(), []);
});

test("invoke: an undefined request is sent as null; a response without NEXT resolves undefined", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const call = rx.invoke("ping/me");
  await socket.expect("open", { payload: "null" });
  socket.deliver({ type: "complete", streamId: 1 });
  assert.equal(await call, undefined);
});

test("send: fire-and-forget sends OPEN then COMPLETE; resolves (undefined) on COMPLETE, rejects on ERROR", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const sent = rx.send("log/event", { kind: "click" });
  const refused = rx.send("log/event", { kind: "spam" });
  await socket.expect("open", { streamId: 1, payload: '{"kind":"click"}' });
  await socket.expect("complete", { streamId: 1 });
  await socket.expect("open", { streamId: 3 });
  await socket.expect("complete", { streamId: 3 });
  socket.deliver({ type: "complete", streamId: 1 }, { type: "error", streamId: 3, code: "rate_limited", message: "Too fast." });
  assert.equal(await sent, undefined);
  await assert.rejects(refused, { code: "rate_limited", message: "Too fast." });
});

test("invoke: NEXT then COMPLETE in one message resolves with no CANCEL on the wire", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const call = rx.invoke("math/add", { a: 1, b: 1 });
  await socket.expect("open", { streamId: 1 });
  await socket.expect("complete", { streamId: 1 });
  socket.deliver({ type: "next", streamId: 1, payload: "2" }, { type: "complete", streamId: 1 });
  assert.equal(await call, 2);
  socket.deliver({ type: "ping" });
  await socket.expect("pong");
  assert.deepEqual(socket.unread(), []);
});

test("invoke: the first NEXT is the answer; with no COMPLETE in its message the client resolves and CANCELs (7.8)", async (t) => {
  // A client-hosted server may answer more than once (state, then updates); with 1 credit the server holds the rest,
  // and its COMPLETE behind them. The answer is in: the request resolves, and the stream is cancelled.
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  const call = rx.invoke("$connect/room1-counter", { op: "increment" }, { timeout: 0 });
  await socket.expect("open", { streamId: 1, credits: 1 });
  await socket.expect("complete", { streamId: 1 });
  socket.deliver({ type: "next", streamId: 1, payload: '{"type":"state","count":1}' });
  assert.deepEqual(await call, { type: "state", count: 1 });
  await socket.expect("cancel", { streamId: 1 });
  socket.deliver({ type: "complete", streamId: 1 }, { type: "ping" }); // late: ignored
  await socket.expect("pong");
  assert.deepEqual(errors, []);
});
