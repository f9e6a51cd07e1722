// The client in a real browser (Debian's chromium, headless) against a minimal WebSocket server written here,
// speaking the real frames: the browser's own WebSocket, TextDecoder and storage, not fakes. Checks the module loads
// as served, handshakes, streams with the cache across a reload, invokes, reconnects after an abrupt drop with
// its offset, and closes with a code browsers accept. Skipped when chromium is not installed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { readFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { encode, decode } from "./fake-server.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
// The built module, the bytes MapRxStreams serves (build.mjs), not the readable source the other tests import.
const client = readFileSync(new URL("../../src/RxStreams.AspNetCore/Client/dist/client.js", import.meta.url));

// The page: connects, renders what the cache had, subscribes, invokes, and reports back with fetch("/result").
const page = `<!doctype html><meta charset="utf-8"><script type="module">
import { connect } from "/rx/client.js";
const report = (r) => fetch("/result", { method: "POST", body: JSON.stringify(r) });
try {
  const run = Number(new URLSearchParams(location.search).get("run") || "1");
  const states = [];
  const rx = connect("/rx", { reconnectDelay: 50, maxReconnectDelay: 100 });
  rx.on("state", (s) => states.push(s));
  rx.on("error", (e) => states.push("error:" + e.code));
  const feed = rx.open("feed", { cache: true });
  const cached = feed.load().map((v) => v.n);
  const got = [];
  const wanted = run === 1 ? 3 : 2;
  await new Promise((resolve) => feed.subscribe((v) => { got.push(v.n); if (got.length === wanted) resolve(); }));
  const sum = await rx.invoke("math/add", { a: 1, b: 2 });
  const error = await rx.invoke("fail", {}).catch((e) => [e.code, e.message, e instanceof Error]);
  await new Promise((resolve) => setTimeout(resolve, 250)); // let the cache be written
  if (run === 2) rx.close();
  await report({ run, cached, got, sum, error, states, state: rx.state, lastOffset: feed.lastOffset });
  if (run === 1) location.search = "?run=2"; // reload (without close(): as a user would), the cache must show at once
} catch (e) {
  await report({ failure: String(e && e.stack || e) });
}
</script>`;

// A minimal WebSocket server (RFC 6455): handshake, masked client frames in, unmasked frames out.
function acceptWebSocket(request, socket, onMessage) {
  const key = request.headers["sec-websocket-key"];
  const accept = createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const peer = {
    closeCode: null,
    send(bytes) {
      const length = bytes.length;
      const head = length < 126 ? Buffer.from([0x82, length]) : Buffer.from([0x82, 126, length >> 8, length & 255]);
      socket.write(Buffer.concat([head, Buffer.from(bytes)]));
    },
    frames(...frames) {
      if (frames.length) this.send(encode(frames)); // a message holds at least one frame
    },
    drop() {
      socket.destroy(); // abrupt: the browser sees 1006
    },
  };
  let buffer = Buffer.alloc(0);
  socket.on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (buffer.length < 2) return;
      const opcode = buffer[0] & 15;
      let length = buffer[1] & 127;
      let at = 2;
      if (length === 126) {
        length = buffer.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        length = Number(buffer.readBigUInt64BE(2));
        at = 10;
      }
      if (buffer.length < at + 4 + length) return;
      const mask = buffer.subarray(at, at + 4);
      const payload = Buffer.from(buffer.subarray(at + 4, at + 4 + length));
      for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
      buffer = buffer.subarray(at + 4 + length);
      if (opcode === 2) {
        try {
          onMessage(peer, decode(new Uint8Array(payload)));
        } catch (e) {
          peer.problem = e; // reported by the test, not thrown out of the socket's event handler
          socket.destroy();
          return;
        }
      }
      else if (opcode === 8) {
        peer.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        socket.end(Buffer.from([0x88, 2, payload[0] ?? 3, payload[1] ?? 232]));
      } else {
        peer.problem = new Error(`unexpected WebSocket opcode ${opcode} (text messages are not allowed)`);
        socket.destroy();
        return;
      }
    }
  });
  socket.on("error", () => {});
  return peer;
}

test("in headless chromium: handshake, cached stream across a reload, invoke, reconnect with offset, close", { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}`, timeout: 60000 }, async () => {
  const results = [];
  const connections = []; // per connection: the frames the browser sent
  const peers = [];
  let waiting;
  const resultArrived = () => new Promise((resolve) => (waiting = resolve));
  const items = [1, 2, 3, 4, 5].map((n) => ({ n, offset: `1700000000000-${n}` }));

  const debug = process.env.RXS_DEBUG ? (...a) => console.error(...a) : () => {};
  const server = createServer((request, response) => {
    debug("HTTP", request.method, request.url);
    if (request.url === "/rx/client.js") {
      response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(client);
    } else if (request.url === "/result") {
      let body = "";
      request.on("data", (c) => (body += c)).on("end", () => {
        response.end("ok");
        results.push(JSON.parse(body));
        waiting?.();
      });
    } else if (request.url.startsWith("/?")) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
    } else {
      response.writeHead(404).end();
    }
  });
  server.on("upgrade", (request, socket) => {
    const frames = [];
    connections.push(frames);
    const connection = connections.length;
    peers.push(acceptWebSocket(request, socket, (peer, message) => {
      for (const frame of message) {
        frames.push(frame);
        debug("WS", connection, JSON.stringify(frame));
        if (frame.type === "hello") {
          assert.equal(message.length, 1, "HELLO alone");
          peer.frames({ type: "welcome", version: 1, sessionId: "s_browser", resumed: frame.sessionId === "s_browser", keepAliveMilliseconds: 15000, maxFrameSize: 65536 });
        } else if (frame.type === "open" && frame.route === "feed") {
          // Items after the offset asked for: up to 2 on the first connection (then it is cut), up to 3 on the
          // second (the first page), all 5 afterwards (the reloaded page).
          const after = frame.offset ? Number(frame.offset.split("-")[1]) : 0;
          const limit = [2, 3][connection - 1] ?? 5;
          const next = items.filter((i) => i.n > after && i.n <= limit);
          peer.frames(...next.map((i) => ({ type: "next", streamId: frame.streamId, offset: i.offset, payload: JSON.stringify({ n: i.n }) })));
          if (connection === 1) setTimeout(() => peer.drop(), 100);
        } else if (frame.type === "open" && frame.route === "math/add") {
          const { a, b } = JSON.parse(frame.payload);
          peer.frames({ type: "next", streamId: frame.streamId, payload: JSON.stringify(a + b) }, { type: "complete", streamId: frame.streamId });
        } else if (frame.type === "open" && frame.route === "fail") {
          peer.frames({ type: "error", streamId: frame.streamId, code: "out_of_stock", message: "No more seats." });
        }
      }
    }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  const profile = mkdtempSync(join(tmpdir(), "rxstreams-chromium-"));
  const browser = spawn(
    CHROMIUM,
    ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${profile}`, `http://127.0.0.1:${port}/?run=1`],
    { stdio: "ignore", detached: true },
  );
  // Chromium and its helpers form one process group: end it whatever happens (even an uncaught error).
  const stopBrowser = () => {
    try {
      process.kill(-browser.pid, "SIGKILL");
    } catch {}
  };
  process.once("exit", stopBrowser);
  try {
    let timer;
    const deadline = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("no result from chromium within 30 s")), 30000)));
    try {
      while (results.length < 2 && !results.some((r) => r.failure)) await Promise.race([resultArrived(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    stopBrowser();
    process.off("exit", stopBrowser);
    server.close();
    server.closeAllConnections?.();
    rmSync(profile, { recursive: true, force: true });
  }
  for (const peer of peers) assert.ifError(peer.problem);
  const [first, second] = results;
  assert.equal(first.failure, undefined, first.failure);
  assert.equal(second?.failure, undefined, second?.failure);

  // First page: two items, the connection is cut, the stream resumes after offset 2 and gets the third.
  assert.deepEqual(first.cached, []);
  assert.deepEqual(first.got, [1, 2, 3]);
  assert.equal(first.sum, 3);
  assert.deepEqual(first.error, ["out_of_stock", "No more seats.", true]);
  assert.deepEqual(first.states.slice(0, 3), ["connected", "reconnecting", "connected"]);
  assert.equal(first.state, "connected");
  assert.equal(second.state, "closed");
  const opens = connections.slice(0, 2).map((frames) => frames.find((f) => f.type === "open" && f.route === "feed"));
  assert.equal(opens[0].offset, undefined);
  assert.equal(opens[1].offset, "1700000000000-2", "reopened after the last offset");
  assert.equal(connections[1][0].sessionId, "s_browser", "the session id goes back in HELLO");

  // Reloaded page: the cache shows what the first page got, at once, and the stream resumes after it.
  assert.deepEqual(second.cached, [1, 2, 3]);
  assert.deepEqual(second.got, [4, 5]);
  assert.equal(second.lastOffset, "1700000000000-5");
  const reopened = connections[2].find((f) => f.type === "open" && f.route === "feed");
  assert.equal(reopened.offset, "1700000000000-3", "the reloaded page resumes after the cached offset");
  assert.equal(connections[2][0].sessionId, "s_browser", "the session id survives the reload (sessionStorage)");
  assert.equal(peers[2].closeCode, 1000, "close() closes with 1000");
  assert.equal(connections.length, 3, "no reconnection after close()");
});
