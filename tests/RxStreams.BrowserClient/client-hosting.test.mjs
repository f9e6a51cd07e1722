// Client-hosted stream servers against a scripted server: rx.listen (the $listen/{name} stream, then the streams the
// server opens to this client, even ids), rx.connect and rx.invoke("$connect/…") (docs/protocol.md 7.3, 7.7, 7.8).
import { test } from "node:test";
import assert from "node:assert/strict";
import { RxStreamsError } from "../../src/RxStreams.AspNetCore/Client/rxstreams.js";
import { start, sleep, until } from "./fake-server.mjs";

const acquired = (streamId, name) => ({ type: "next", streamId, payload: JSON.stringify({ name }) });

/** The server opens stream `streamId` (even) to this client for a caller of `name`, unbounded as the server does. */
const callerOpens = (streamId, name = "room1-counter") => ({ type: "open", streamId, route: name, credits: 4294967295 });

/** Listens on `name`, acknowledges the $listen stream; returns the listener and the connections it got. */
async function hosting(rx, socket, name = "room1-counter", onConnection) {
  const connections = [];
  const listening = rx.listen(name, onConnection ?? ((c) => connections.push(c)));
  const open = await socket.expect("open", { route: "$listen/" + name, offset: undefined, payload: undefined });
  assert.equal(open.streamId % 2, 1, "the client opens $listen with an odd id");
  socket.deliver(acquired(open.streamId, name));
  return { listener: await listening, connections, listenId: open.streamId };
}

test("listen: OPEN $listen/{name}; resolves with { name, close } once the server owns the name for this client", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  let settled = false;
  const listening = rx.listen("room1-counter", () => {}).finally(() => (settled = true));
  await socket.expect("open", { streamId: 1, route: "$listen/room1-counter", credits: 256 });
  await sleep(10);
  assert.equal(settled, false, "not before the server's answer");
  socket.deliver(acquired(1, "room1-counter"));
  const listener = await listening;
  assert.equal(listener.name, "room1-counter");
  assert.equal(typeof listener.close, "function");
  assert.deepEqual(errors, []);
});

test("listen: name_taken rejects with an RxStreamsError; the name is then not served here", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  const called = [];
  const listening = rx.listen("room1-counter", (c) => called.push(c));
  await socket.expect("open", { streamId: 1 });
  socket.deliver({ type: "error", streamId: 1, code: "name_taken", message: "A stream server named 'room1-counter' already exists." });
  const error = await listening.catch((e) => e);
  assert.ok(error instanceof RxStreamsError);
  assert.equal(error.code, "name_taken");
  assert.equal(error.route, "$listen/room1-counter");
  socket.deliver(callerOpens(2));
  await socket.expect("error", { streamId: 2, code: "no_such_server" });
  assert.deepEqual(called, []);
  assert.deepEqual(errors, [], "a rejected promise is the application's to handle");
});

test("listen: a listen made while disconnected waits for the connection; close() before the answer rejects it", async (t) => {
  const { rx, net } = start(t);
  const early = rx.listen("a", () => {});
  const socket = await net.connected();
  await socket.expect("open", { route: "$listen/a" });
  socket.deliver(acquired(1, "a"));
  assert.equal((await early).name, "a");
  const pending = rx.listen("b", () => {});
  await socket.expect("open", { route: "$listen/b" });
  rx.close();
  await assert.rejects(pending, { code: "closed" });
  await assert.rejects(rx.listen("c", () => {}), { code: "closed" });
});

test("a caller: the server opens an even stream on the name; input arrives, the page answers, then COMPLETE", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  const input = [];
  const connections = [];
  await hosting(rx, socket, "room1-counter", (connection) => {
    connections.push(connection);
    connection.subscribe({ next: (v) => input.push(v), complete: () => input.push("input done") });
  });
  socket.deliver(callerOpens(2));
  await until(() => connections.length === 1, "onConnection");
  const connection = connections[0];
  assert.equal(connection.name, "room1-counter");
  socket.deliver({ type: "next", streamId: 2, payload: '{"op":"increment"}' }, { type: "next", streamId: 2, payload: '{"op":"get"}' });
  assert.deepEqual(input, [{ op: "increment" }, { op: "get" }]);
  connection.next({ count: 1 });
  connection.next({ count: 1 });
  await socket.expect("next", { streamId: 2, payload: '{"count":1}', offset: undefined });
  await socket.expect("next", { streamId: 2, payload: '{"count":1}' });
  socket.deliver({ type: "complete", streamId: 2 }); // the caller's input is done; the answers may go on
  assert.deepEqual(input.at(-1), "input done");
  connection.next({ count: 2 });
  await socket.expect("next", { streamId: 2, payload: '{"count":2}' });
  connection.complete();
  await socket.expect("complete", { streamId: 2 });
  connection.next({ count: 3 }); // after the end: nothing
  connection.complete();
  connection.error("late");
  // Frames in flight for the ended stream are late and ignored.
  socket.deliver({ type: "next", streamId: 2, payload: "{}" }, { type: "cancel", streamId: 2 }, { type: "ping" });
  await socket.expect("pong");
  assert.deepEqual(socket.unread(), []);
  assert.deepEqual(errors, []);
});

test("callers are independent streams: each gets its own connection and answers go to the right id", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const { connections } = await hosting(rx, socket);
  socket.deliver(callerOpens(2), callerOpens(4));
  assert.equal(connections.length, 2);
  connections[1].next("to 4");
  connections[0].next("to 2");
  await socket.expect("next", { streamId: 4, payload: '"to 4"' });
  await socket.expect("next", { streamId: 2, payload: '"to 2"' });
});

test("a caller: connection.error(code, message) sends ERROR; a code that is not snake_case becomes handler_error", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  const { connections } = await hosting(rx, socket);
  socket.deliver(
    callerOpens(2),
    callerOpens(4),
    callerOpens(6),
  );
  connections[0].error("out_of_range", "The count is at its maximum.");
  connections[1].error("Not A Code", "Bad input.");
  connections[2].error();
  await socket.expect("error", { streamId: 2, code: "out_of_range", message: "The count is at its maximum." });
  await socket.expect("error", { streamId: 4, code: "handler_error", message: "Bad input." });
  await socket.expect("error", { streamId: 6, code: "handler_error", message: "" });
  assert.deepEqual(errors, []);
});

test("a caller: onConnection throwing ends that call with ERROR and reports the exception", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  await hosting(rx, socket, "room1-counter", () => {
    throw new RxStreamsError("not_ready", "Not ready yet.");
  });
  socket.deliver(callerOpens(2));
  await socket.expect("error", { streamId: 2, code: "not_ready", message: "Not ready yet." });
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, "not_ready");
  socket.deliver({ type: "next", streamId: 2, payload: "{}" }, { type: "ping" }); // late: ignored
  await socket.expect("pong");
});

test("a caller: CANCEL (the caller went away) calls onClose with cancelled and completes the input; nothing more is sent", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  const events = [];
  const connections = [];
  await hosting(rx, socket, "room1-counter", (connection) => {
    connections.push(connection);
    connection.subscribe({ next: (v) => events.push(v), complete: () => events.push("input done") });
    connection.onClose((reason) => events.push(reason?.code ?? "ended by the host"));
  });
  socket.deliver(callerOpens(2), { type: "next", streamId: 2, payload: "1" });
  socket.deliver({ type: "cancel", streamId: 2 });
  assert.deepEqual(events, [1, "input done", "cancelled"]);
  connections[0].next("too late");
  connections[0].complete();
  socket.deliver({ type: "ping" });
  await socket.expect("pong");
  assert.deepEqual(socket.unread(), []);
  assert.deepEqual(errors, []);
});

test("a caller: onClose is called once, without a reason, when the host ends the call; its remover works", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const { connections } = await hosting(rx, socket);
  socket.deliver(callerOpens(2));
  const seen = [];
  const off = connections[0].onClose(() => seen.push("removed"));
  connections[0].onClose((reason) => seen.push(reason));
  off();
  off();
  connections[0].complete();
  connections[0].error("again");
  socket.deliver({ type: "cancel", streamId: 2 }); // crossed on the wire: late
  assert.deepEqual(seen, [undefined]);
  await socket.expect("complete", { streamId: 2 });
});

test("a caller: REQUEST on a server-opened stream is ignored; ERROR from the server on one is a protocol_error", async (t) => {
  const { rx, net } = start(t);
  let socket = await net.connected();
  await hosting(rx, socket);
  socket.deliver({ type: "open", streamId: 2, route: "room1-counter", credits: 0 }, { type: "request", streamId: 2, n: 5 }, { type: "ping" });
  await socket.expect("pong");
  socket.deliver({ type: "error", streamId: 2, code: "handler_error", message: "" }); // the opener never sends ERROR (7.2)
  assert.match((await socket.expect("error", { streamId: 0, code: "protocol_error" })).message, /ERROR on stream 2/);
  socket = await net.connected();
});

test("no_such_server: an OPEN for a name this client does not serve; its late frames are ignored", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  await hosting(rx, socket, "room1-counter");
  socket.deliver(callerOpens(2, "room2-counter"));
  const refused = await socket.expect("error", { streamId: 2, code: "no_such_server" });
  assert.match(refused.message, /room2-counter/);
  socket.deliver({ type: "next", streamId: 2, payload: "{}" }, { type: "ping" }); // late: ignored
  await socket.expect("pong");
  assert.deepEqual(errors, []);
});

test("listener.close(): CANCEL of $listen; later callers get no_such_server", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const { listener, listenId, connections } = await hosting(rx, socket);
  listener.close();
  listener.close(); // twice is fine
  await socket.expect("cancel", { streamId: listenId });
  socket.deliver(callerOpens(2));
  await socket.expect("error", { streamId: 2, code: "no_such_server" });
  assert.deepEqual(connections, []);
  // The name can be listened on again.
  const again = rx.listen("room1-counter", () => {});
  const open = await socket.expect("open", { route: "$listen/room1-counter" });
  assert.notEqual(open.streamId, listenId);
  socket.deliver(acquired(open.streamId, "room1-counter"));
  await again;
});

test("reconnection: calls end with connection_lost; $listen is reopened and the name served again", async (t) => {
  const { rx, net, errors } = start(t);
  let socket = await net.connected();
  const closes = [];
  const connections = [];
  await hosting(rx, socket, "room1-counter", (connection) => {
    connections.push(connection);
    connection.onClose((reason) => closes.push(reason.code));
  });
  socket.deliver(callerOpens(2));
  socket.drop();
  assert.deepEqual(closes, ["connection_lost"]);
  socket = await net.connected();
  const reopened = await socket.expect("open", { streamId: 1, route: "$listen/room1-counter", offset: undefined });
  socket.deliver(acquired(reopened.streamId, "room1-counter"));
  socket.deliver(callerOpens(2)); // ids start afresh
  assert.equal(connections.length, 2);
  connections[1].next("hello again");
  await socket.expect("next", { streamId: 2, payload: '"hello again"' });
  assert.deepEqual(errors, []);
});

test("reconnection: the name was taken meanwhile, so the listener is lost: listenerLost { name, error }", async (t) => {
  const { rx, net, errors } = start(t);
  let socket = await net.connected();
  const lost = [];
  rx.on("listenerLost", (e) => lost.push(e));
  await hosting(rx, socket);
  socket.drop();
  socket = await net.connected();
  await socket.expect("open", { route: "$listen/room1-counter" });
  socket.deliver({ type: "error", streamId: 1, code: "name_taken", message: "Taken." });
  assert.equal(lost.length, 1);
  assert.equal(lost[0].name, "room1-counter");
  assert.equal(lost[0].error.code, "name_taken");
  socket.deliver(callerOpens(2));
  await socket.expect("error", { streamId: 2, code: "no_such_server" });
  assert.deepEqual(errors, []);
});

test("a lost listener with no listenerLost listener goes to the error event", async (t) => {
  const { rx, net, errors } = start(t);
  let socket = await net.connected();
  await hosting(rx, socket);
  socket.drop();
  socket = await net.connected();
  await socket.expect("open", { route: "$listen/room1-counter" });
  socket.deliver({ type: "error", streamId: 1, code: "name_taken", message: "Taken." });
  assert.deepEqual(errors.map((e) => e.code), ["name_taken"]);
});

test("a second listen of a name this client serves is refused by the server, and the first goes on", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const { connections } = await hosting(rx, socket);
  const second = rx.listen("room1-counter", () => assert.fail("the second listener is never called"));
  const open = await socket.expect("open", { route: "$listen/room1-counter" });
  socket.deliver({ type: "error", streamId: open.streamId, code: "name_taken", message: "Taken." });
  await assert.rejects(second, { code: "name_taken" });
  socket.deliver(callerOpens(2));
  assert.equal(connections.length, 1);
});

test("connect(name): a duplex stream on $connect/{name}, shared per name; server_gone reaches the observer", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  const counter = rx.connect("room1-counter");
  assert.equal(rx.connect("room1-counter"), counter);
  assert.equal(counter.route, "$connect/room1-counter");
  const seen = [];
  counter.subscribe({ next: (v) => seen.push(v), error: (e) => seen.push(e.code) });
  counter.next({ op: "increment" });
  await socket.expect("open", { streamId: 1, route: "$connect/room1-counter", credits: 256, payload: undefined });
  await socket.expect("next", { streamId: 1, payload: '{"op":"increment"}' });
  socket.deliver({ type: "next", streamId: 1, payload: '{"count":1}' });
  socket.deliver({ type: "error", streamId: 1, code: "server_gone", message: "The client hosting 'room1-counter' went away." });
  assert.deepEqual(seen, [{ count: 1 }, "server_gone"]);
  assert.equal(counter.active, false);
  // Subscribing again tries again (for example after someone else took over the name).
  counter.subscribe({ error: (e) => seen.push(e.code) });
  await socket.expect("open", { streamId: 3, route: "$connect/room1-counter" });
  socket.deliver({ type: "error", streamId: 3, code: "no_such_server", message: "Nobody." });
  assert.deepEqual(seen.at(-1), "no_such_server");
  assert.deepEqual(errors, []);
});

test('invoke("$connect/" + name, request): OPEN with the request, COMPLETE right after; the first NEXT is the answer', async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const answer = rx.invoke("$connect/room1-counter", { op: "get" });
  await socket.expect("open", { streamId: 1, route: "$connect/room1-counter", credits: 1, payload: '{"op":"get"}' });
  await socket.expect("complete", { streamId: 1 });
  socket.deliver({ type: "next", streamId: 1, payload: '{"count":7}' }, { type: "complete", streamId: 1 });
  assert.deepEqual(await answer, { count: 7 });
  await assert.rejects(
    (async () => {
      const call = rx.invoke("$connect/nobody", {});
      await socket.expect("open", { streamId: 3 });
      socket.deliver({ type: "error", streamId: 3, code: "no_such_server", message: "Nobody." });
      return call;
    })(),
    { code: "no_such_server", route: "$connect/nobody" },
  );
});

test("both ends in one client: a page can host a name and call it (through the server)", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  let count = 0;
  await hosting(rx, socket, "room1-counter", (connection) => connection.subscribe((op) => connection.next({ count: (count += op.by) })));
  const answer = rx.invoke("$connect/room1-counter", { by: 5 });
  await socket.expect("open", { streamId: 3, route: "$connect/room1-counter" });
  await socket.expect("complete", { streamId: 3 });
  // The server relays: an even stream to the host, its answer back to the caller.
  socket.deliver(callerOpens(2), { type: "next", streamId: 2, payload: '{"by":5}' }, { type: "complete", streamId: 2 });
  const reply = await socket.expect("next", { streamId: 2 });
  socket.deliver({ type: "next", streamId: 3, payload: reply.payload }, { type: "complete", streamId: 3 });
  assert.deepEqual(await answer, { count: 5 });
});

test("rx.close(): hosted calls end too (onClose with closed), and the listener stops", async (t) => {
  const { rx, net, errors } = start(t);
  const socket = await net.connected();
  const closes = [];
  await hosting(rx, socket, "room1-counter", (connection) => {
    connection.subscribe({ complete: () => closes.push("input done") });
    connection.onClose((reason) => closes.push(reason.code));
  });
  socket.deliver(callerOpens(2));
  rx.close();
  assert.deepEqual(closes, ["input done", "closed"]);
  assert.deepEqual(errors, []);
});
