// Compile-only: a Node.js project's use of the installed package (node-client.test.mjs copies this file into the
// temporary project and runs tsc there, with lib es2022 and @types/node but no DOM library), plus mistakes the
// declarations must refuse (@ts-expect-error).
import WebSocket from "ws";
import {
  connect,
  RxStreamsError,
  type Client,
  type HostedConnection,
  type Listener,
  type Stream,
  type WebSocketLike,
} from "rxstreams";

interface Tick {
  n: number;
  node: string;
}

/** A WebSocket that sends a header on the upgrade (ws can; browsers cannot). */
class WithToken extends WebSocket {
  constructor(url: string) {
    super(url, { headers: { authorization: "Bearer token" } });
  }
}

export async function usage(): Promise<void> {
  const rx: Client = connect("ws://127.0.0.1:5000/rx", { WebSocket, logger: console, storage: null, sessionStorage: null });
  connect(() => new URL("http://127.0.0.1:5000/rx"), { WebSocket: WithToken });
  if (globalThis.WebSocket) connect("ws://127.0.0.1:5000/rx"); // Node.js 22 and later have a global one

  const room: Stream<Tick, { n: number }> = rx.open<Tick, { n: number }>("room/lobby", { credits: 64, after: "1700000000000-0" });
  const stop = room.subscribe((tick, offset) => console.log(tick.n, tick.node, offset?.length));
  room.next({ n: 1 });
  // @ts-expect-error: the input is { n: number }
  room.next({ text: "hello" });
  stop.unsubscribe();

  const node: string = await rx.invoke<string>("node", { n: 0 }, { timeout: 1000, signal: AbortSignal.timeout(500) });
  await rx.send("room/lobby", { n: 2 }, { signal: new AbortController().signal });

  const listener: Listener = await rx.listen<{ n: number }, { doubled: number }>("doubler", (call: HostedConnection<{ n: number }, { doubled: number }>) => {
    call.subscribe({ next: ({ n }) => call.next({ doubled: 2 * n }), complete: () => call.complete() });
    call.onClose((reason) => console.log(reason instanceof RxStreamsError ? reason.code : "ended", node));
  });
  listener.close();
  rx.connect<{ doubled: number }, { n: number }>("doubler").next({ n: 3 });

  rx.on("error", (e) => console.error(e.message));
  rx.on("state", (state) => console.log(state.toUpperCase()));

  const socket: WebSocketLike = new WebSocket("ws://127.0.0.1:5000/rx");
  socket.close(1000);
  // @ts-expect-error: not a WebSocket class
  connect("ws://127.0.0.1:5000/rx", { WebSocket: Map });
  // @ts-expect-error: not a storage
  connect("ws://127.0.0.1:5000/rx", { WebSocket, storage: new Map<string, string>() });
  rx.close();
}
