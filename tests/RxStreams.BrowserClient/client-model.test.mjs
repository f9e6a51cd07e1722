// The model module (served as {pattern}/model.js; docs/models.md) against a scripted server: snapshot then merge
// patches, whole immutable states, edits answered by write id, a change that does not follow refused, resume.
import { test } from "node:test";
import assert from "node:assert/strict";
import { start, item, at } from "./fake-server.mjs";
import { model, mergePatch, withModels } from "../../src/RxStreams.AspNetCore/Client/rxstreams-model.js";

test("mergePatch follows RFC 7386 and changes nothing in place", () => {
  const cases = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [["a", "b"], ["c", "d"], ["c", "d"]],
    [{ a: "foo" }, null, null],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, expected] of cases) {
    const before = JSON.stringify(target);
    assert.deepEqual(mergePatch(target, patch), expected);
    assert.equal(JSON.stringify(target), before, "the target is not changed");
  }
  const state = { topic: "a", items: { x: { done: false } }, other: { big: [1, 2, 3] } };
  const next = mergePatch(state, { items: { x: { done: true } } });
  assert.equal(next.other, state.other, "untouched branches are shared");
  assert.notEqual(next.items, state.items);
});

test("a model gives whole states: the snapshot, then each patch applied, with its version", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const todo = withModels(rx).model("todo/team");
  const seen = [];
  todo.subscribe(({ state, version }) => seen.push([version, state]));
  await socket.expect("open", { streamId: 1, route: "todo/team" });
  socket.deliver(
    item(1, { v: 4, s: { topic: "t", items: { a: { title: "milk", done: false } } } }, at(4)),
    item(1, { v: 5, p: { items: { a: { done: true } } } }, at(5)),
    item(1, { v: 6, p: { topic: null, items: { b: { title: "bread", done: false } } } }, at(6)),
  );
  assert.deepEqual(seen, [
    [4, { topic: "t", items: { a: { title: "milk", done: false } } }],
    [5, { topic: "t", items: { a: { title: "milk", done: true } } }],
    [6, { items: { a: { title: "milk", done: true }, b: { title: "bread", done: false } } }],
  ]);
  assert.equal(todo.current.version, 6);
  // A late subscriber gets the current state at once.
  const late = [];
  todo.subscribe((s) => late.push(s.version));
  assert.deepEqual(late, [6]);
});

test("edits go out with a write id and resolve or reject with the handler's answer", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const todo = model(rx, "todo/team");
  const ok = todo.edit({ title: "eggs" });
  const bad = todo.edit({ title: "" });
  await socket.expect("open", { streamId: 1 });
  const first = await socket.expect("next", { streamId: 1 });
  const second = await socket.expect("next", { streamId: 1 });
  assert.deepEqual(JSON.parse(first.payload), { w: 1, edit: { title: "eggs" } });
  assert.deepEqual(JSON.parse(second.payload), { w: 2, edit: { title: "" } });
  socket.deliver(item(1, { v: 0, s: {} }), item(1, { w: 2, code: "edit_refused", error: "A title is required." }), item(1, { w: 1, v: 1 }));
  assert.equal(await ok, 1);
  await assert.rejects(bad, (e) => e.code === "edit_refused" && e.message === "A title is required.");
  // No subscriber and nothing pending: the stream is closed.
  await socket.expect("cancel", { streamId: 1 });
});

test("a change that does not follow the state is refused, never applied", async (t) => {
  const { rx, net } = start(t);
  const socket = await net.connected();
  const todo = model(rx, "todo/team");
  const seen = [];
  const errors = [];
  todo.subscribe({ next: (s) => seen.push(s.version), error: (e) => errors.push(e.code) });
  await socket.expect("open", { streamId: 1 });
  socket.deliver(item(1, { v: 1, s: { a: 1 } }, at(1)), item(1, { v: 3, p: { a: 3 } }, at(3)));
  assert.deepEqual(seen, [1]);
  assert.deepEqual(errors, ["protocol_error"]);
});

test("after a reconnection the stream resumes from the last offset and the patches go on from the same state", async (t) => {
  const { rx, net } = start(t, { reconnectDelay: 1 });
  let socket = await net.connected();
  const todo = model(rx, "todo/team");
  const seen = [];
  todo.subscribe(({ state, version }) => seen.push([version, state.n]));
  await socket.expect("open", { streamId: 1 });
  socket.deliver(item(1, { v: 7, s: { n: 7 } }, at(7)), item(1, { v: 8, p: { n: 8 } }, at(8)));
  socket.drop();
  socket = await net.connected();
  await socket.expect("open", { route: "todo/team", offset: at(8) });
  socket.deliver(item(1, { v: 9, p: { n: 9 } }, at(9)));
  assert.deepEqual(seen, [[7, 7], [8, 8], [9, 9]]);
});

test("edits made with no subscriber close the stream between them; reopened, it resumes and keeps the state", async (t) => {
  // What a Node.js service editing a model it does not watch does (the Node.js client's model test, which once
  // failed in CI when the state was dropped on closing): the stream reopens after the last offset it delivered, so
  // the server sends the changes after it and no snapshot; they must apply to the state the model kept.
  const { rx, net } = start(t);
  const socket = await net.connected();
  const counter = model(rx, "counter/c");
  const first = counter.edit({ n: 5 });
  await socket.expect("open", { streamId: 1, route: "counter/c" });
  await socket.expect("next", { streamId: 1 });
  socket.deliver(item(1, { v: 0, s: { count: 0 } }), item(1, { v: 1, p: { count: 5 } }, at(1)), item(1, { w: 1, v: 1 }));
  assert.equal(await first, 1);
  await socket.expect("cancel", { streamId: 1 });

  const second = counter.edit({ n: 2 });
  await socket.expect("open", { streamId: 3, route: "counter/c", offset: at(1) });
  await socket.expect("next", { streamId: 3 });
  socket.deliver(item(3, { v: 2, p: { count: 7 } }, at(2)), item(3, { w: 2, v: 2 }));
  assert.equal(await second, 2);
  assert.deepEqual(counter.current, { state: { count: 7 }, version: 2 });
});
