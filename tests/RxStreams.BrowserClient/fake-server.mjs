// A fake-but-honest WebSocket peer: the client under test gets a WebSocket class whose sockets are driven by the
// test acting as the server. Everything crossing it is real protocol bytes: what the client sends is decoded with
// the client's codec (which the vector tests check against docs/protocol-vectors.json), and what the "server"
// sends is encoded frames, batched into one WebSocket message per deliver() call.
import assert from "node:assert/strict";
import { _protocol, connect } from "../../src/RxStreams.AspNetCore/Client/rxstreams.js";

export const { encode, decode } = _protocol;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An offset of the tests' channels: Unix milliseconds (from 1700000000000) and a sequence. */
export const at = (major, minor = 0) => `${1700000000000 + major}-${minor}`;

/** A NEXT frame from the server: `value` as JSON, with `offset` when one is given. */
export const item = (streamId, value, offset) => ({ type: "next", streamId, offset, payload: JSON.stringify(value) });

/**
 * The page's events for one test: an EventTarget stands in for `window` (globalThis.addEventListener), so the test
 * can dispatch "pagehide" or "online". Install it before starting the client, which listens as it starts.
 */
export function pageEvents(t) {
  const events = new EventTarget();
  globalThis.addEventListener = events.addEventListener.bind(events);
  globalThis.removeEventListener = events.removeEventListener.bind(events);
  t.after(() => {
    delete globalThis.addEventListener;
    delete globalThis.removeEventListener;
  });
  return events;
}

/** Resolves once `condition()` is truthy, polling; fails after `timeout` ms with `what`. */
export async function until(condition, what = "a condition", timeout = 2000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

export function createNetwork() {
  const sockets = [];
  let taken = 0;

  class FakeWebSocket {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.binaryType = "blob";
      this.messages = []; // every message the client sent, decoded: an array of frames each
      this.frames = []; // every frame the client sent, in order
      this.read = 0; // how many of them the test has looked at
      this.clientClose = null;
      this.createdAt = Date.now();
      sockets.push(this);
    }

    // ---- the client's side ----
    send(data) {
      // As in browsers: an error while connecting, silently discarded once closing or closed.
      if (this.readyState === 0) throw new Error("InvalidStateError: send while CONNECTING");
      if (this.readyState !== 1) {
        this.discarded = (this.discarded ?? 0) + 1;
        return;
      }
      assert.ok(data instanceof Uint8Array, "the client sends binary messages (Uint8Array)");
      const frames = decode(data, 1 << 30);
      this.messages.push(frames);
      this.frames.push(...frames);
    }

    close(code, reason) {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.clientClose = { code, reason };
    }

    // ---- the server's side (the test) ----
    accept() {
      this.readyState = 1;
      this.onopen?.({});
    }

    /** Sends frames to the client as ONE WebSocket message. */
    deliver(...frames) {
      this.deliverBytes(encode(frames));
    }

    deliverBytes(bytes) {
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
      this.onmessage?.({ data: buffer });
    }

    deliverText(text) {
      this.onmessage?.({ data: text });
    }

    /** The connection ends (1006: dropped without a close handshake). */
    drop(code = 1006, reason = "") {
      this.readyState = 3;
      this.onclose?.({ code, reason, wasClean: code !== 1006 });
    }

    /** The next frame the client sent (waiting for it), checked against `type` and `fields` when given. */
    async expect(type, fields = {}) {
      await until(() => this.read < this.frames.length, `a ${type ?? "frame"} from the client`);
      const frame = this.frames[this.read++];
      if (type) assert.equal(frame.type, type, `expected ${type}, got ${JSON.stringify(frame)}`);
      for (const [key, value] of Object.entries(fields)) {
        assert.deepEqual(frame[key], value, `${type}.${key} of ${JSON.stringify(frame)}`);
      }
      return frame;
    }

    /** Frames sent and not looked at yet. */
    unread() {
      return this.frames.slice(this.read);
    }

    /** Accepts, checks HELLO (alone in its message), answers WELCOME. */
    async handshake({ sessionId = "s1", resumed = false, keepAliveMilliseconds = 0, maxFrameSize = 65536, expectSession } = {}) {
      this.accept();
      const hello = await this.expect("hello", { version: 1 });
      if (expectSession !== undefined) assert.equal(hello.sessionId, expectSession);
      assert.equal(this.messages.length, 1, "HELLO is the first message");
      assert.equal(this.messages[0].length, 1, "HELLO is alone in its message");
      this.deliver({ type: "welcome", version: 1, sessionId, resumed, keepAliveMilliseconds, maxFrameSize });
      return hello;
    }
  }

  return {
    FakeWebSocket,
    sockets,
    /** The next socket the client creates (waits for it). */
    async socket(timeout = 2000) {
      await until(() => sockets.length > taken, "the client to open a WebSocket", timeout);
      return sockets[taken++];
    },
    /** The next socket, handshaken. */
    async connected(welcome) {
      const socket = await this.socket();
      await socket.handshake(welcome);
      return socket;
    },
  };
}

/** A Storage (localStorage/sessionStorage) in memory, with an optional quota in characters. */
export class MemoryStorage {
  constructor(quota = Infinity) {
    this.map = new Map();
    this.quota = quota;
  }
  get length() {
    return this.map.size;
  }
  key(i) {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(key) {
    return this.map.has(key) ? this.map.get(key) : null;
  }
  setItem(key, value) {
    value = String(value);
    let used = 0;
    for (const [k, v] of this.map) if (k !== key) used += k.length + v.length;
    if (used + key.length + value.length > this.quota) {
      const error = new Error("The quota has been exceeded.");
      error.name = "QuotaExceededError";
      throw error;
    }
    this.map.set(key, value);
  }
  removeItem(key) {
    this.map.delete(key);
  }
  clear() {
    this.map.clear();
  }
}

/**
 * Starts a client on a fresh fake network. Returns the client, the network, the errors and states it reported.
 * The client is closed when the test ends.
 */
export function start(t, options = {}, url = "ws://server.test/rx") {
  const net = createNetwork();
  const rx = connect(url, {
    WebSocket: net.FakeWebSocket,
    storage: null,
    sessionStorage: null,
    reconnectDelay: 4,
    maxReconnectDelay: 16,
    ...options,
  });
  const errors = [];
  const states = [];
  const notRecovered = [];
  rx.on("error", (e) => errors.push(e));
  rx.on("state", (s) => states.push(s));
  rx.on("notRecovered", (e) => notRecovered.push(e));
  t.after(() => rx.close());
  return { rx, net, errors, states, notRecovered };
}
