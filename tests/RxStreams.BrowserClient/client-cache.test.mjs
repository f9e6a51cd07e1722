// The local cache of streams opened with { cache: true }: last offset and last N items per route in storage,
// load() on a reloaded page, resume without duplicates, bounds, and a full or missing storage.
import { test } from "node:test";
import assert from "node:assert/strict";
import { start, sleep, until, at, item, MemoryStorage, pageEvents } from "./fake-server.mjs";

const SAVE_DELAY = 150; // the client writes the cache at most every 100 ms

/** A client (started with `options`) whose stream "feed", opened with cache: true, is subscribed and open (id 1). */
async function cachedFeed(t, options) {
  const client = start(t, options);
  const socket = await client.net.connected();
  const feed = client.rx.open("feed", { cache: true });
  feed.subscribe(() => {});
  await socket.expect("open");
  return { ...client, socket, feed };
}

test("a reloaded page gets the cached items at once and resumes after the cached offset, with no duplicate", async (t) => {
  const storage = new MemoryStorage();
  {
    const { rx, net } = start(t, { storage });
    const socket = await net.connected();
    const lobby = rx.open("chat/lobby", { cache: true });
    assert.deepEqual(lobby.load(), []);
    lobby.subscribe(() => {});
    await socket.expect("open", { offset: undefined });
    socket.deliver(item(1, { text: "one" }, at(1)), item(1, { text: "two" }, at(2)));
    assert.deepEqual(lobby.load(), [{ text: "one" }, { text: "two" }], "load() includes what arrived since");
    await sleep(SAVE_DELAY);
    rx.close();
  }
  // The page is reloaded: a new client on the same storage.
  const { rx, net } = start(t, { storage });
  const lobby = rx.open("chat/lobby", { cache: true });
  assert.deepEqual(lobby.load(), [{ text: "one" }, { text: "two" }], "synchronously, before any connection");
  assert.equal(lobby.lastOffset, at(2));
  const got = [];
  lobby.subscribe((m) => got.push(m.text));
  const socket = await net.connected();
  await socket.expect("open", { route: "chat/lobby", offset: at(2) });
  socket.deliver(item(1, { text: "two" }, at(2)), item(1, { text: "three" }, at(3)));
  assert.deepEqual(got, ["three"], "subscribers get only what is new");
  assert.deepEqual(lobby.load().map((m) => m.text), ["one", "two", "three"]);
});

test("the cache keeps the last maxCachedItems items", async (t) => {
  const storage = new MemoryStorage();
  const { socket, feed } = await cachedFeed(t, { storage, maxCachedItems: 3 });
  socket.deliver(...[1, 2, 3, 4, 5].map((n) => item(1, n, at(n))));
  assert.deepEqual(feed.load(), [3, 4, 5]);
  await sleep(SAVE_DELAY);
  const saved = JSON.parse([...storage.map.values()][0]);
  assert.deepEqual(saved, { o: at(5), i: [3, 4, 5] });
  assert.match([...storage.map.keys()][0], /^rxstreams:server\.test\/rx:feed$/);
});

test("the cache is bounded in size (maxCacheBytes): older items go first", async (t) => {
  const storage = new MemoryStorage();
  const { socket, feed } = await cachedFeed(t, { storage, maxCacheBytes: 600 });
  socket.deliver(...Array.from({ length: 20 }, (_, i) => item(1, "x".repeat(50) + i, at(i + 1))));
  await sleep(SAVE_DELAY);
  const text = [...storage.map.values()][0];
  assert.ok(text.length <= 600, `${text.length} characters stored`);
  const saved = JSON.parse(text);
  assert.equal(saved.o, at(20), "the offset is always the last one");
  assert.ok(saved.i.length >= 5 && saved.i.at(-1).endsWith("19"), "the newest items are kept");
  assert.deepEqual(feed.load(), saved.i, "memory matches what is stored");
});

test("a full storage is tolerated: fewer items are kept, or none", async (t) => {
  const storage = new MemoryStorage(700);
  storage.setItem("someone-else", "y".repeat(300));
  const { socket, errors } = await cachedFeed(t, { storage });
  socket.deliver(...Array.from({ length: 30 }, (_, i) => item(1, "z".repeat(40), at(i + 1))));
  await sleep(SAVE_DELAY);
  const saved = JSON.parse(storage.getItem("rxstreams:server.test/rx:feed"));
  assert.ok(saved.i.length > 0 && saved.i.length < 30, `${saved.i.length} items kept`);
  assert.equal(saved.o, at(30));
  // Now nothing fits at all: the entry is removed rather than left stale.
  storage.quota = 310;
  socket.deliver(item(1, "more", at(31)));
  await sleep(SAVE_DELAY);
  assert.equal(storage.getItem("rxstreams:server.test/rx:feed"), null);
  assert.deepEqual(errors, []);
});

test("a storage that throws on every access, or none at all: the cache lives in memory", async (t) => {
  const hostile = {
    getItem() {
      throw new Error("SecurityError");
    },
    setItem() {
      throw new Error("SecurityError");
    },
    removeItem() {
      throw new Error("SecurityError");
    },
    key() {
      throw new Error("SecurityError");
    },
    get length() {
      throw new Error("SecurityError");
    },
  };
  for (const storage of [hostile, null]) {
    const { rx, socket, feed, errors } = await cachedFeed(t, { storage });
    socket.deliver(item(1, "a", at(1)));
    await sleep(SAVE_DELAY);
    assert.deepEqual(feed.load(), ["a"]);
    rx.clearCache();
    assert.deepEqual(feed.load(), []);
    assert.deepEqual(errors, []);
  }
});

test("streams without cache: true keep nothing", async (t) => {
  const storage = new MemoryStorage();
  const { rx, net } = start(t, { storage });
  const socket = await net.connected();
  const feed = rx.open("feed");
  feed.subscribe(() => {});
  await socket.expect("open");
  socket.deliver(item(1, "a", at(1)));
  await sleep(SAVE_DELAY);
  assert.deepEqual(feed.load(), []);
  assert.equal(storage.length, 0);
});

test("a corrupt cache entry is ignored", async (t) => {
  for (const junk of ["{not json", '{"o":"yesterday","i":[1]}', '{"o":"1-1","i":"nope"}', "null"]) {
    const storage = new MemoryStorage();
    storage.setItem("rxstreams:server.test/rx:feed", junk);
    const { rx, net } = start(t, { storage });
    const feed = rx.open("feed", { cache: true });
    assert.deepEqual(feed.load(), []);
    feed.subscribe(() => {});
    const socket = await net.connected();
    await socket.expect("open", { offset: undefined });
  }
});

test("clearCache() forgets this endpoint's cached streams only", async (t) => {
  const storage = new MemoryStorage();
  storage.setItem("rxstreams:server.test/other:feed", JSON.stringify({ o: "1-1", i: [1] }));
  storage.setItem("unrelated", "keep");
  const { rx, socket, feed } = await cachedFeed(t, { storage });
  socket.deliver(item(1, "a", at(1)));
  await sleep(SAVE_DELAY);
  assert.equal(storage.length, 3);
  rx.clearCache();
  assert.deepEqual([...storage.map.keys()].sort(), ["rxstreams:server.test/other:feed", "unrelated"]);
  assert.deepEqual(feed.load(), []);
});

test("not_recovered: a cache of the same history is kept; one from another history is dropped", async (t) => {
  const storage = new MemoryStorage();
  const { rx, net, notRecovered } = start(t, { storage });
  let socket = await net.connected();
  const chat = rx.open("chat/a", { cache: true });
  chat.subscribe(() => {});
  await socket.expect("open");
  socket.deliver(item(1, "old", at(10)));
  socket.drop();
  socket = await net.connected();
  await socket.expect("open", { offset: at(10) });
  // Items after 10 were trimmed, the channel now starts at 20: a gap, but "old" is still this history.
  socket.deliver({ type: "error", streamId: 1, code: "not_recovered", message: "trimmed", offset: at(20) });
  await socket.expect("open", { offset: "0-0" });
  socket.deliver(item(3, "new", at(20)));
  assert.deepEqual(chat.load(), ["old", "new"]);
  assert.equal(notRecovered.length, 1);

  // The channel's offsets went back (another history): the cached items are not of it.
  socket.drop();
  socket = await net.connected();
  await socket.expect("open", { offset: at(20) });
  socket.deliver({ type: "error", streamId: 1, code: "not_recovered", message: "new history", offset: at(1) });
  await socket.expect("open", { offset: "0-0" });
  assert.deepEqual(chat.load(), []);
  await sleep(SAVE_DELAY);
  assert.deepEqual(JSON.parse(storage.getItem("rxstreams:server.test/rx:chat/a")), { o: "0-0", i: [] });
});

test("pagehide writes a pending cache save at once", async (t) => {
  const events = pageEvents(t);
  const storage = new MemoryStorage();
  const { socket } = await cachedFeed(t, { storage });
  socket.deliver(item(1, "a", at(1)));
  assert.equal(storage.length, 0);
  events.dispatchEvent(new Event("pagehide"));
  assert.deepEqual(JSON.parse(storage.getItem("rxstreams:server.test/rx:feed")), { o: at(1), i: ["a"] });
});

test("close() writes a pending cache save at once, so a pending write cannot land on a newer client's", async (t) => {
  const storage = new MemoryStorage();
  const { rx, socket } = await cachedFeed(t, { storage });
  socket.deliver(item(1, "a", at(1)));
  assert.equal(storage.length, 0);
  rx.close();
  assert.deepEqual(JSON.parse(storage.getItem("rxstreams:server.test/rx:feed")), { o: at(1), i: ["a"] });
  // A client connected right after (the chat example reconnects this way after a new sign-in) moves on...
  const next = start(t, { storage });
  const feed = next.rx.open("feed", { cache: true });
  assert.equal(feed.lastOffset, at(1), "it starts from the latest state");
  feed.subscribe(() => {});
  const again = await next.net.connected();
  await again.expect("open", { offset: at(1) });
  again.deliver(item(1, "b", at(2)));
  await sleep(SAVE_DELAY);
  // ...and nothing of the closed client overwrites what it wrote.
  assert.deepEqual(JSON.parse(storage.getItem("rxstreams:server.test/rx:feed")), { o: at(2), i: ["a", "b"] });
});

test("the 'online' event reconnects at once instead of waiting for the backoff", async (t) => {
  const events = pageEvents(t);
  const { rx, net } = start(t, { reconnectDelay: 60000, maxReconnectDelay: 60000 });
  (await net.connected()).drop();
  assert.equal(rx.state, "reconnecting");
  await sleep(10);
  assert.equal(net.sockets.length, 1);
  events.dispatchEvent(new Event("online"));
  await net.connected();
  await until(() => rx.state === "connected");
});
