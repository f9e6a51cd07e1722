// Compile-only check of rxstreams.d.ts (types.test.mjs runs tsc --noEmit on this folder): the whole API as an
// application uses it, and a few mistakes the declarations must refuse (@ts-expect-error).
import {
  connect,
  RxStreamsError,
  type Client,
  type Stream,
  type ConnectionState,
  type NotRecoveredEvent,
  type Listener,
  type HostedConnection,
  type ListenerLostEvent,
  type PeerStream,
  type Transport,
} from "../../../src/RxStreams.AspNetCore/Client/rxstreams.js";

interface ChatMessage {
  from: string;
  text: string;
  sentAt: string;
}

declare function render(message: ChatMessage): void;

export async function usage(): Promise<void> {
  const rx: Client = connect("/rx", {
    reconnectDelay: 500,
    maxReconnectDelay: 30_000,
    maxReconnectAttempts: Infinity,
    connectTimeout: 10_000,
    invokeTimeout: 5_000,
    credits: 256,
    maxBuffered: 100,
    storage: localStorage,
    sessionStorage: null,
    maxCachedItems: 200,
    maxCacheBytes: 100_000,
    onStateChange: (state: ConnectionState) => console.log(state),
    logger: console,
  });
  connect(() => `/rx?access_token=${encodeURIComponent("t")}`);
  connect(new URL("wss://chat.example.com/rx"), { WebSocket });

  const state: "connecting" | "connected" | "reconnecting" | "closed" = rx.state;
  const session: string = rx.sessionId;
  const offState: () => void = rx.on("state", (s) => console.log(s.toUpperCase(), state, session));
  rx.on("notRecovered", (e: NotRecoveredEvent) => console.log(e.route, e.lastOffset, e.firstOffset, e.message));
  rx.on("error", (e) => console.error(e.message));
  offState();

  const lobby: Stream<ChatMessage, { text: string }> = rx.open<ChatMessage, { text: string }>("chat/lobby", { cache: true });
  lobby.load().forEach(render);
  const unsubscribe = lobby.subscribe((m, offset) => {
    render(m);
    console.log(offset?.split("-"));
  });
  lobby.subscribe({ next: render, error: (e) => console.log(e.code, e.route), complete: () => {} });
  lobby.next({ text: "hello" });
  lobby.complete();
  const last: string | null = lobby.lastOffset;
  const active: boolean = lobby.active;
  console.log(lobby.route, last, active);
  unsubscribe();
  unsubscribe.unsubscribe();

  rx.subscribe<number>("feed/prices", (price) => price.toFixed(2), { credits: Infinity, after: "1700000000000-3" });

  const sum = await rx.invoke<{ sum: number }>("math/add", { a: 1, b: 2 }, { timeout: 1000, signal: AbortSignal.timeout(2000) });
  console.log(sum.sum.toFixed());
  const done: void = await rx.send("log/event", { kind: "click" });
  console.log(done);

  try {
    await rx.invoke("x");
  } catch (e) {
    if (e instanceof RxStreamsError) console.log(e.code, e.message, e.route, e.name);
  }
  // Client-hosted stream servers.
  type Op = { op: "increment" | "get" };
  type Count = { count: number };
  let count = 0;
  const listener: Listener = await rx.listen<Op, Count>("room1-counter", (connection: HostedConnection<Op, Count>) => {
    console.log(connection.name);
    const stop = connection.subscribe({ next: (m) => connection.next({ count: m.op === "increment" ? ++count : count }), complete: () => {} });
    connection.subscribe((m) => m.op);
    const off = connection.onClose((reason) => console.log(reason?.code));
    off();
    stop();
    connection.complete();
    connection.error("out_of_range", "Too many.");
    connection.error();
  });
  console.log(listener.name);
  listener.close();
  rx.on("listenerLost", (e: ListenerLostEvent) => console.log(e.name, e.error.code));
  const counter: Stream<Count, Op> = rx.connect<Count, Op>("room1-counter", { credits: 16 });
  counter.subscribe({ next: (c) => c.count.toFixed(), error: (e) => e.code === "server_gone" });
  counter.next({ op: "increment" });
  const now = await rx.invoke<Count, Op>("$connect/room1-counter", { op: "get" });
  console.log(now.count);

  // Peer to peer: the same calls, moved onto a data channel when both ends ask.
  await rx.listen<Op, Count>("room2-counter", (connection) => {
    const transport: Transport | undefined = connection.transport;
    connection.onTransport?.((t: Transport) => console.log(t, transport));
  }, { peerToPeer: true });
  const direct: PeerStream<Count, Op> = rx.connect<Count, Op>("room2-counter", { peerToPeer: { iceServers: [{ urls: "stun:stun.example.org" }], timeout: 5000 } });
  const offTransport = direct.onTransport((t) => t === "peer");
  offTransport();
  direct.next({ op: "increment" });
  console.log(direct.transport);

  rx.clearCache();
  rx.close();

  // Mistakes the declarations refuse.
  // @ts-expect-error: an unknown event
  rx.on("message", () => {});
  // @ts-expect-error: a wrong input type
  lobby.next({ txt: "hello" });
  // @ts-expect-error: an unknown option
  connect("/rx", { reconnectDelays: 5 });
  // @ts-expect-error: state is read-only
  rx.state = "closed";
  // @ts-expect-error: items are typed
  lobby.subscribe((m) => m.nope);
  // @ts-expect-error: a hosted connection's answers are typed
  await rx.listen<Op, Count>("x", (c) => c.next({ total: 1 }));
  // @ts-expect-error: transport is "relay" or "peer"
  if (direct.transport === "p2p") console.log();
  // @ts-expect-error: connect takes no resume offset
  rx.connect("x", { after: "1-0" });
}
