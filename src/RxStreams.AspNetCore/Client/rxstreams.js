// RxStreams browser client: one dependency-free ES module, served by app.MapRxStreams("/rx") at /rx/client.js.
//
//   import { connect } from "/rx/client.js";
//   const rx = connect("/rx");
//   const lobby = rx.open("chat/lobby", { cache: true });
//   lobby.load().forEach(render);
//   lobby.subscribe(render);
//   lobby.next({ text: "hello" });
//
// Wire protocol: docs/protocol.md (version 1). API guide: docs/browser-client.md. Types: /rx/client.d.ts.
// The same module is the npm package "rxstreams" (the repository's package.json) for Node.js 20 and later, given a
// WebSocket class where there is no global one (docs/node-client.md): nothing here needs a page.
// Nothing here touches WebSocket, localStorage, sessionStorage or location until connect() is called.

import { VERSION, UNBOUNDED, DEFAULT_MAX_FRAME_SIZE, PROTOCOL_ERROR, FRAME_TOO_LARGE, utf8, RxStreamsError, fail, toOffset, isAfter, decode, encodeFrame, concat } from "./codec.js";

export { RxStreamsError, _protocol } from "./codec.js";

// ---- The client ----

const storageOr = (value, get) => {
  if (value !== undefined) return value;
  try {
    return get();
  } catch {
    return null; // no storage here (node, sandboxed iframes, disabled cookies)
  }
};

/**
 * Connects to an RxStreams endpoint. `url` is relative to the page ("/rx": http becomes ws, https wss), a full
 * ws:// or wss:// URL, or a function returning one (called before every attempt, e.g. to put a fresh token in it).
 */
export function connect(url, options = {}) {
  const o = {
    reconnectDelay: 500,
    maxReconnectDelay: 30000,
    maxReconnectAttempts: Infinity,
    connectTimeout: 10000,
    invokeTimeout: 30000,
    credits: 256,
    maxBuffered: 1000,
    maxCachedItems: 200,
    maxCacheBytes: 262144,
    ...options,
  };
  const Socket = o.WebSocket || globalThis.WebSocket;
  if (!Socket) throw new TypeError("No WebSocket: pass options.WebSocket.");
  const target = () => {
    const u = new URL(typeof url === "function" ? url() : url, globalThis.location?.href);
    u.protocol = u.protocol.replace("http", "ws");
    return u.href;
  };
  const first = new URL(target());
  const scope = first.host + first.pathname; // the endpoint, without its query (which may hold a token)
  const prefix = `rxstreams:${scope}:`; // of the cache's storage keys
  const storage = storageOr(o.storage, () => localStorage);
  const sessionStore = storageOr(o.sessionStorage, () => sessionStorage);
  const log = (level, ...args) => o.logger?.[level]?.("[rxstreams]", ...args);

  let state = "connecting";
  let ws = null; // the current socket
  let ready = false; // WELCOME received on ws
  let session = "";
  let maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
  let keepAlive = 0;
  let attempt = 0; // k of the backoff (section 8.2)
  let moving = 0; // the server drains (server_shutting_down, 6.5): reconnect without a delay once it closes
  let failures = 0; // attempts in a row without a WELCOME
  let connectedAt = 0;
  let timer = 0; // the reconnection delay, then the connect timeout
  let deadTimer = 0;
  let nextId = 1; // the next odd (client) id; those below it were opened on this connection
  let lastEven = 0; // the last id the server opened
  let wire = new Map(); // stream id -> what handles its frames, on this connection
  let outbox = []; // encoded frames of the next batch
  let buffered = 0; // input items waiting for a connection, over all streams
  const streams = new Map(); // route -> stream
  const active = new Set(); // streams open now, reopened on every connection
  const requests = new Set(); // invoke/send not settled yet
  const listeners = { state: new Set(), notRecovered: new Set(), error: new Set(), listenerLost: new Set() };
  const servers = new Map(); // name -> onConnection, of the servers this client hosts (rx.listen)

  // The session id lives in memory; sessionStorage holds it only while the page is being reloaded, so a
  // duplicated tab (which copies sessionStorage) does not share it.
  const sessionKey = "rxstreams.session:" + scope;
  try {
    session = sessionStore?.getItem(sessionKey) || "";
    sessionStore?.removeItem(sessionKey);
  } catch {}
  const onPageHide = () => {
    try {
      if (session) sessionStore?.setItem(sessionKey, session);
    } catch {}
    for (const stream of streams.values()) stream._save();
  };
  const onOnline = () => {
    if (state === "reconnecting" && !ws) {
      clearTimeout(timer);
      dial();
    }
  };
  globalThis.addEventListener?.("pagehide", onPageHide);
  globalThis.addEventListener?.("online", onOnline);

  const emit = (name, value) => {
    for (const fn of listeners[name]) {
      try {
        fn(value);
      } catch (e) {
        if (name !== "error") report(e);
        else log("error", e);
      }
    }
  };
  /** An error the application should see: "error" listeners, or an uncaught error when there is none. */
  const report = (error) => {
    log("warn", error);
    if (listeners.error.size) emit("error", error);
    else
      setTimeout(() => {
        throw error;
      });
  };
  const setState = (next) => {
    if (next === state) return;
    state = next;
    try {
      o.onStateChange?.(next);
    } catch (e) {
      report(e);
    }
    emit("state", next);
  };

  // ---- Sending: frames queue up within a task and go out batched, each message within the maximum ----

  const send = (type, streamId, fields) => {
    if (!ready) return;
    if (!outbox.length) queueMicrotask(flush);
    outbox.push(encodeFrame({ type, streamId, ...fields }));
  };
  const flush = () => {
    let batch = [];
    let size = 0;
    const frames = outbox;
    outbox = [];
    if (!ready) return;
    for (const frame of frames) {
      if (frame.length > maxFrameSize) {
        report(new RxStreamsError(FRAME_TOO_LARGE, `A frame of ${frame.length} bytes, over the maximum frame size (${maxFrameSize}), was dropped.`));
        continue;
      }
      if (size + frame.length > maxFrameSize) {
        ws.send(concat(batch));
        batch = [];
        size = 0;
      }
      batch.push(frame);
      size += frame.length;
    }
    if (size) ws.send(concat(batch));
  };
  const newId = () => (nextId += 2) - 2;

  // ---- The connection: handshake, keepalive, loss and reconnection (sections 6 and 8.2) ----

  const dial = () => {
    timer = 0;
    let socket;
    try {
      socket = new Socket(target());
    } catch (e) {
      report(e);
      return retry();
    }
    ws = socket;
    socket.binaryType = "arraybuffer";
    // Why it failed (refused, a 403...): ws (Node.js) says; browsers do not (their error event has no message, and
    // nothing is logged). Never removed: a ws socket throws its errors at the process when nothing listens, and it
    // reports one even after hangUp (closed while connecting).
    socket.onerror = (e) => e.message && log("warn", "socket error:", e.message);
    timer = setTimeout(() => lose(socket, "no WELCOME in time"), o.connectTimeout);
    socket.onopen = () => socket.send(encodeFrame({ type: "hello", version: VERSION, sessionId: session }));
    socket.onmessage = (event) => receive(socket, event.data);
    socket.onclose = (event) =>
      event.code === 1000
        ? shutdown(new RxStreamsError("closed", "Closed by the server (1000)."))
        : lose(socket, `closed ${event.code} ${event.reason}`);
  };

  /** Forgets the socket: no event of it is handled any more. */
  const hangUp = () => {
    clearTimeout(timer);
    clearTimeout(deadTimer);
    timer = 0;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      try {
        ws.close(1000);
      } catch {}
    }
    ws = null;
    ready = false;
    keepAlive = 0;
    outbox = [];
    const entries = wire;
    wire = new Map();
    return entries;
  };

  /** The connection is lost: streams wait for the next one, requests in flight fail, and the client reconnects. */
  const lose = (socket, why) => {
    if (socket !== ws) return;
    log("warn", "connection lost:", why);
    for (const entry of hangUp().values()) entry.lost();
    retry();
  };
  const retry = () => {
    if (connectedAt && Date.now() - connectedAt >= 30000) attempt = 0;
    connectedAt = 0;
    if (++failures > o.maxReconnectAttempts) {
      return shutdown(new RxStreamsError("connection_lost", `Gave up after ${o.maxReconnectAttempts} attempts.`));
    }
    const d = moving ? (moving = 0) : Math.min(o.maxReconnectDelay, o.reconnectDelay * 2 ** attempt++);
    const delay = d / 2 + (Math.random() * d) / 2;
    setState("reconnecting");
    log("info", `reconnecting in ${Math.round(delay)} ms`);
    timer = setTimeout(dial, delay);
  };

  /** A rule of the protocol was broken: say so (ERROR 0), drop the connection and reconnect (section 5). */
  const violation = (socket, error) => {
    const code = error.code === FRAME_TOO_LARGE ? FRAME_TOO_LARGE : PROTOCOL_ERROR;
    log("error", "protocol error:", error.message);
    try {
      socket.send(encodeFrame({ type: "error", streamId: 0, code, message: String(error.message).slice(0, 500) }));
    } catch {}
    lose(socket, code);
  };

  const receive = (socket, data) => {
    if (socket !== ws) return;
    clearTimeout(deadTimer);
    try {
      if (!(data instanceof ArrayBuffer)) fail("A text message.");
      decode(new Uint8Array(data), maxFrameSize, (frame) => socket === ws && handle(frame));
    } catch (e) {
      if (socket === ws) violation(socket, e);
    }
    // Any message is a sign of life; nothing for twice the keepalive means a dead peer (section 6.4).
    if (socket === ws && keepAlive) {
      deadTimer = setTimeout(() => lose(socket, `nothing received for ${2 * keepAlive} ms`), 2 * keepAlive);
    }
  };

  const handle = (frame) => {
    const { type, streamId: id } = frame;
    if (type === "error" && !id) {
      // The server ends the connection and says why.
      if (frame.code === "unsupported_version") {
        return shutdown(new RxStreamsError(frame.code, frame.message));
      }
      // A draining server answers what is in flight, then closes (6.5): keep the socket until then.
      if (frame.code === "server_shutting_down") return (moving = 1);
      return lose(ws, `${frame.code}: ${frame.message}`);
    }
    if (!ready) {
      // A WELCOME of our version announcing at least 1024 bytes, or a protocol error.
      if (type !== "welcome" || frame.version !== VERSION || frame.maxFrameSize < 1024) fail(`Expected WELCOME v${VERSION}, got ${JSON.stringify(frame)}.`);
      return welcome(frame);
    }
    switch (type) {
      case "ping":
        return send("pong");
      case "pong":
        return;
      case "open": {
        // A server-opened stream (section 7.7): a caller of a server this client hosts (rx.listen), or refused.
        if (id % 2 || id <= lastEven) fail(`Bad id ${id} in OPEN.`);
        lastEven = id;
        const serve = servers.get(frame.route);
        return serve
          ? accept(id, frame, serve)
          : send("error", id, { code: "no_such_server", message: `This client does not serve "${frame.route}".` });
      }
      case "next":
      case "complete":
      case "error":
      case "cancel":
      case "request": {
        // Roles (7.2): on the client's streams (odd) the server is the responder, on its own (even) the opener.
        if (id % 2 ? type === "cancel" || type === "request" : type === "error") {
          fail(`No ${type.toUpperCase()} on stream ${id} from the server.`);
        }
        const entry = wire.get(id);
        if (!entry) {
          // Late (its stream ended while the frame travelled): ignored. Never opened: a protocol error (7.6).
          if (id % 2 ? id >= nextId : id > lastEven) fail(`Stream ${id} was never opened.`);
          return;
        }
        // The client's streams end with the server's COMPLETE or ERROR; a call (even id) ends itself (accept).
        if (id % 2 && type !== "next") wire.delete(id);
        return entry[type]?.(frame);
      }
      default:
        fail(`${type.toUpperCase()} after the handshake.`);
    }
  };

  const welcome = (frame) => {
    clearTimeout(timer);
    timer = 0;
    ready = true;
    session = frame.sessionId;
    maxFrameSize = frame.maxFrameSize;
    keepAlive = frame.keepAliveMilliseconds;
    failures = 0;
    connectedAt = Date.now();
    nextId = 1;
    lastEven = 0;
    log("info", `connected (session ${session}${frame.resumed ? ", resumed" : ""})`);
    setState("connected");
    for (const stream of active) stream._attach();
    for (const request of requests) request.attach();
  };

  /** The end: no reconnection. Streams complete (close) or fail (error), requests fail. */
  const shutdown = (error) => {
    if (state === "closed") return;
    if (ready && ws.readyState === 1) flush(); // what the application sent just before close() goes out first
    const entries = hangUp();
    for (const stream of streams.values()) stream._save(); // now: a pending write must not land after a new client's
    globalThis.removeEventListener?.("pagehide", onPageHide);
    globalThis.removeEventListener?.("online", onOnline);
    setState("closed");
    const reason = error || closedError();
    for (const request of requests) request.lost(reason);
    for (const stream of [...active]) stream._end(error, true);
    for (const entry of entries.values()) entry.lost(reason); // hosted calls end too (their onClose)
    if (error) report(error);
  };
  const closedError = () => new RxStreamsError("closed", "The client is closed.");
  const checkOpen = () => {
    if (state === "closed") throw closedError();
  };

  const parse = (payload, route) => {
    try {
      return { value: payload ? JSON.parse(payload) : undefined };
    } catch (e) {
      report(new RxStreamsError("invalid_payload", `An item of "${route}" is not JSON: ${e.message}`, route));
    }
  };

  const payloadOf = (value, route) => {
    const bytes = utf8.encode(JSON.stringify(value ?? null));
    if (bytes.length + 3 * route.length + 32 > maxFrameSize) {
      throw new RxStreamsError(FRAME_TOO_LARGE, `A message of ${bytes.length} bytes, over the maximum frame size (${maxFrameSize}).`, route);
    }
    return bytes;
  };

  /**
   * Adds an observer (a function is its `next`) to `observers`, guarded: what it throws is reported and the others
   * go on. Returns the unsubscribe function (also its own `.unsubscribe`), which calls `left` when it removes it.
   */
  const observe = (observers, observer, left) => {
    const guard = (fn) => (...args) => {
      try {
        fn(...args);
      } catch (e) {
        report(e);
      }
    };
    const target = typeof observer === "function" ? { next: observer } : observer || {};
    const subscription = {
      next: guard((value, offset) => target.next?.(value, offset)),
      error: target.error && guard((error) => target.error(error)),
      complete: guard(() => target.complete?.()),
    };
    observers.add(subscription);
    const unsubscribe = () => {
      if (observers.delete(subscription)) left?.();
    };
    unsubscribe.unsubscribe = unsubscribe;
    return unsubscribe;
  };

  // ---- Streams: rx.open(route) ----

  const open = (route, streamOptions = {}) => {
    checkOpen();
    let stream = streams.get(route);
    if (!stream) streams.set(route, (stream = createStream(route, streamOptions)));
    return stream;
  };

  const createStream = (route, { cache, credits = o.credits, after }) => {
    const window = credits >= UNBOUNDED ? UNBOUNDED : Math.max(1, Math.floor(credits));
    const half = Math.max(1, Math.floor(window / 2));
    const key = cache && storage ? prefix + route : null; // where the cache persists (it is kept in memory anyway)
    const maxItems = o.maxCachedItems;
    const observers = new Set();
    let items = []; // the cached values, oldest first
    let last = after ?? null; // the last offset delivered
    let entry = null; // its live wire entry, while connected
    let unsent = []; // input payloads waiting for a connection
    let inputDone = false;
    let held = false; // opened by next() with no subscriber
    let saveTimer = 0;
    if (last !== null) toOffset(last);

    if (key) {
      try {
        const saved = JSON.parse(storage.getItem(key));
        if (saved && Array.isArray(saved.i) && (saved.o === null || toOffset(saved.o))) {
          items = saved.i.slice(-maxItems);
          last = saved.o ?? last;
        }
      } catch {} // nothing usable: start afresh
    }

    const save = () => {
      saveTimer = 0;
      for (let list = items; ; list = list.slice(Math.ceil(list.length / 2))) {
        const text = JSON.stringify({ o: last, i: list });
        try {
          if (text.length <= o.maxCacheBytes) {
            storage.setItem(key, text);
            items = list;
            return;
          }
        } catch {} // full: keep fewer items
        if (!list.length) {
          try {
            storage.removeItem(key);
          } catch {}
          return;
        }
      }
    };
    const saveSoon = () => {
      if (key && !saveTimer) saveTimer = setTimeout(save, 100);
    };
    const saveNow = () => {
      if (saveTimer) {
        clearTimeout(saveTimer);
        save();
      }
    };

    const deliver = (value, offset) => {
      if (cache) {
        items.push(value);
        if (items.length > maxItems) items.splice(0, items.length - maxItems);
        saveSoon();
      }
      // To those subscribed now (as an RxJS subject does): one added meanwhile waits for the next item.
      for (const observer of [...observers]) if (observers.has(observer)) observer.next(value, offset);
    };

    // Credits: OPEN grants the window; every half window delivered is granted again with REQUEST. Items are
    // delivered (consumed) as they arrive, so by the client's count the server never runs out: the window bounds
    // what is in flight, and a page too busy to read stops granting.
    const attach = () => {
      const id = newId();
      let consumed = 0;
      const me = {
        id,
        next(frame) {
          const offset = frame.offset;
          if (!offset || last === null || isAfter(offset, last)) {
            if (offset) last = offset;
            const item = parse(frame.payload, route);
            if (item && !stream.peer?.(item)) deliver(item.value, offset); // peer: rx.connect's peerToPeer (peer.js)
          } // else: delivered before the reconnection (8.2 step 6)
          if (entry === me && window !== UNBOUNDED && ++consumed >= half) {
            send("request", id, { n: consumed });
            consumed = 0;
          }
        },
        complete() {
          entry = null;
          end(null);
        },
        error(frame) {
          entry = null;
          if (frame.code !== "not_recovered") {
            return end(new RxStreamsError(frame.code, frame.message, route));
          }
          // Section 8.3: the items after `last` are gone; say so, then start again from what the channel holds.
          const info = { route, lastOffset: last, firstOffset: frame.offset ?? null, message: frame.message };
          if (!(frame.offset && last && isAfter(frame.offset, last))) items = []; // another history: the cache is stale
          last = "0-0";
          saveSoon();
          log("warn", "not recovered:", info);
          emit("notRecovered", info);
          if (active.has(stream) && ready && !entry) attach();
        },
        lost() {
          entry = null;
        },
      };
      entry = me;
      wire.set(id, me);
      send("open", id, { route, offset: last, credits: window });
      stream.peer?.(); // a new call: peer.js says hello first
      for (const payload of unsent) send("next", id, { payload });
      buffered -= unsent.length;
      unsent = [];
      if (inputDone) send("complete", id);
    };

    const activate = () => {
      if (active.has(stream)) return;
      active.add(stream);
      if (ready) attach();
    };
    const deactivate = () => {
      active.delete(stream);
      if (entry) {
        wire.delete(entry.id);
        send("cancel", entry.id);
        entry = null;
      }
      reset();
    };
    const reset = () => {
      buffered -= unsent.length;
      unsent = [];
      inputDone = held = false;
    };
    /** The stream ended (server COMPLETE or ERROR, or the client shut down). */
    const end = (error, quiet) => {
      active.delete(stream);
      reset();
      let handled = false;
      const list = [...observers];
      observers.clear();
      for (const observer of list) {
        if (!error) observer.complete();
        else if (observer.error) {
          observer.error(error);
          handled = true;
        }
      }
      if (error && !handled && !quiet) report(error);
    };

    const stream = {
      route,
      get lastOffset() {
        return last;
      },
      get active() {
        return active.has(stream);
      },
      load: () => items.slice(),
      subscribe(observer) {
        checkOpen();
        const unsubscribe = observe(observers, observer, () => observers.size || held || deactivate());
        activate();
        return unsubscribe;
      },
      next(value) {
        checkOpen();
        if (inputDone) throw new RxStreamsError("input_completed", `The input of "${route}" is complete.`, route);
        const payload = payloadOf(value, route);
        if (!active.has(stream)) {
          held = true;
          activate();
        }
        if (entry) return send("next", entry.id, { payload });
        if (buffered >= o.maxBuffered) {
          throw new RxStreamsError("buffer_full", `${buffered} messages wait for the connection.`, route);
        }
        unsent.push(payload);
        buffered++;
      },
      complete() {
        if (inputDone || !active.has(stream)) return;
        inputDone = true;
        if (entry) send("complete", entry.id);
        if (held && !observers.size) deactivate();
      },
      [Symbol.observable || "@@observable"]() {
        return stream;
      },
      _attach: attach,
      _deliver: deliver,
      _end: end,
      _save: saveNow,
      _clear() {
        items = [];
      },
    };
    return stream;
  };

  // ---- Requests: rx.invoke and rx.send (request/response and fire-and-forget) ----

  const request = (route, value, { timeout = o.invokeTimeout, signal } = {}, withResult) =>
    new Promise((resolve, reject) => {
      checkOpen();
      const payload = payloadOf(value, route);
      if (signal?.aborted) throw abortError(signal, route);
      let id = 0;
      let result;
      let got = false;
      const settle = (error) => {
        if (wire.get(id) === r) {
          wire.delete(id);
          send("cancel", id);
        }
        clearTimeout(deadline);
        signal?.removeEventListener("abort", onAbort);
        requests.delete(r);
        error ? reject(error) : resolve(withResult ? result : undefined);
      };
      const r = {
        attach() {
          wire.set((id = newId()), r);
          send("open", id, { route, credits: 1, payload });
          send("complete", id); // the request is the only input (7.3): ends a duplex handler's input
        },
        next(frame) {
          if (got) fail(`A second NEXT on request stream ${id}.`);
          got = true;
          result = parse(frame.payload, route)?.value;
          // The first NEXT is the answer (7.8). Its COMPLETE normally comes in the same message; if not (a hosted
          // server answering more, held back by the 1 credit), the answer is in anyway: resolve, and CANCEL.
          queueMicrotask(settle);
        },
        complete: () => settle(),
        error: (frame) => settle(new RxStreamsError(frame.code, frame.message, route)),
        lost: (error) => settle(error || new RxStreamsError("connection_lost", `The connection dropped with "${route}" in flight (it may have run).`, route)),
      };
      const onAbort = () => settle(abortError(signal, route));
      const deadline = timeout > 0 && timeout < Infinity && setTimeout(() => settle(new RxStreamsError("timeout", `"${route}" did not answer within ${timeout} ms.`, route)), timeout);
      signal?.addEventListener("abort", onAbort);
      requests.add(r);
      if (ready) r.attach();
    });

  // ---- Hosting stream servers: rx.listen(name, onConnection) (sections 7.7 and 7.8) ----

  /**
   * Serves `name` while its $listen stream is open: the server answers one NEXT once this client owns the name, or
   * name_taken. The stream is reopened after a reconnection, which takes the name again (or loses it).
   */
  const listen = (name, onConnection) =>
    new Promise((resolve, reject) => {
      const serve = (call) => onConnection(call); // this listener's own: stopping it never removes a later one
      const stop = () => servers.get(name) === serve && servers.delete(name);
      let listening = false;
      const unsubscribe = createStream("$listen/" + name, {}).subscribe({
        next() {
          listening = true;
          servers.set(name, serve);
          resolve(listener);
        },
        error(error) {
          stop();
          reject(error);
          if (listening) listeners.listenerLost.size ? emit("listenerLost", { name, error }) : report(error);
        },
        complete() {
          stop();
          reject(closedError());
        },
      });
      const listener = {
        name,
        close() {
          unsubscribe();
          stop();
        },
      };
    });

  /** A caller connected to a server this client hosts: the server opened stream `id` (its input comes as NEXT). */
  const accept = (id, frame, serve) => {
    const route = frame.route;
    const input = new Set(); // observers of the caller's input
    const closers = new Set();
    let live = true;
    const inputDone = () => {
      for (const observer of input) observer.complete();
      input.clear();
    };
    /** The call ends: the host sends its last frame, or (reason) the caller cancelled or the connection dropped. */
    const end = (last, reason) => {
      if (!live) return;
      live = false;
      wire.delete(id);
      if (last) send(...last);
      reason ? inputDone() : input.clear();
      for (const closer of closers) closer.next(reason);
    };
    const entry = {
      next(frame) {
        const item = parse(frame.payload, route);
        if (item) for (const observer of input) observer.next(item.value);
      },
      complete: inputDone,
      cancel: () => end(0, new RxStreamsError("cancelled", "", route)),
      lost: (error) => end(0, error || new RxStreamsError("connection_lost", "", route)),
    };
    const call = {
      name: route,
      subscribe: (observer) => observe(input, observer),
      next(value) {
        if (live) send("next", id, { payload: payloadOf(value, route) });
      },
      complete: () => end(["complete", id]),
      error(code, message = "") {
        end(["error", id, { code: /^[a-z][a-z0-9_]*$/.test(code || 0) ? code : "handler_error", message: String(message).slice(0, 999) }]);
      },
      onClose: (fn) => observe(closers, fn),
    };
    wire.set(id, entry);
    try {
      serve(call);
    } catch (e) {
      call.error(e.code, e.message);
      report(e);
    }
  };

  const kit = [observe, RxStreamsError, payloadOf]; // what peer.js uses of the client
  const peer = () => import("./peer.js");

  const abortError = (signal, route) => {
    const error = new RxStreamsError("aborted", `"${route}" was aborted.`, route);
    error.name = "AbortError";
    error.cause = signal.reason;
    return error;
  };

  const rx = {
    get state() {
      return state;
    },
    get sessionId() {
      return session;
    },
    on(name, fn) {
      const set = listeners[name];
      if (!set) throw new TypeError(`Unknown event "${name}".`);
      set.add(fn);
      return () => set.delete(fn);
    },
    open,
    subscribe: (route, observer, streamOptions) => open(route, streamOptions).subscribe(observer),
    invoke: (route, value, callOptions) => request(route, value, callOptions, true),
    send: (route, value, callOptions) => request(route, value, callOptions, false),
    // peerToPeer: the WebRTC part (peer.js, docs/browser-client.md) is loaded when first asked for.
    listen: (name, onConnection, listenOptions) =>
      listenOptions?.peerToPeer ? peer().then((m) => listen(name, m.host(onConnection, listenOptions, kit))) : listen(name, onConnection),
    connect(name, streamOptions) {
      const stream = open("$connect/" + name, streamOptions);
      if (streamOptions?.peerToPeer && !stream.transport) {
        const changes = new Set();
        stream.onTransport = (fn) => observe(changes, fn);
        stream.transport = "relay";
        peer().then((m) => m.caller(stream, changes, rx, streamOptions, kit), report);
      }
      return stream;
    },
    clearCache() {
      try {
        for (let i = storage?.length; i--; ) {
          const key = storage.key(i);
          if (key?.startsWith(prefix)) storage.removeItem(key);
        }
      } catch {}
      for (const stream of streams.values()) stream._clear();
    },
    close: () => shutdown(null),
  };
  dial();
  return rx;
}
