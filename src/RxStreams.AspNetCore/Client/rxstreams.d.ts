// Type declarations of the RxStreams client: served at /rx/client.d.ts beside /rx/client.js for browsers, and the
// "types" of the npm package "rxstreams" (the repository's package.json) for Node.js. They need no DOM library: what
// the client takes from its host (a WebSocket class, a storage, an AbortSignal) is described by its shape, and URL
// is in both the DOM library and @types/node.
// Guide: docs/browser-client.md, docs/node-client.md. Wire protocol: docs/protocol.md.

/** A stream offset, `"major-minor"` (for the built-in backplanes: Unix milliseconds and a sequence), e.g. `"1700000000000-3"`. */
export type StreamOffset = string;

/** The connection's state. */
export type ConnectionState = "connecting" | "connected" | "reconnecting" | "closed";

/**
 * An error of the server, the protocol or the client. `code` is lower-case snake_case: the server's codes
 * (docs/protocol.md section 9, e.g. `route_not_found`, `forbidden`, `invalid_payload`, `handler_error`), the
 * application's own (thrown as `StreamException` on the server), or the client's:
 *
 * - `connection_lost`: the connection dropped while a request was in flight (it may or may not have run), or the
 *   client gave up reconnecting (`maxReconnectAttempts`);
 * - `timeout`: a request did not answer within its timeout;
 * - `aborted`: a request's AbortSignal fired (the error's `name` is `"AbortError"`, its `cause` the signal's reason);
 * - `closed`: the client is closed (`close()`, or the server ended the connection with close code 1000);
 * - `buffer_full`: `maxBuffered` input items already wait for the connection;
 * - `frame_too_large`: a message does not fit in a frame (the server's maximum frame size);
 * - `input_completed`: `next()` after `complete()`;
 * - `unsupported_version`: the server does not speak this client's protocol version (the client stops);
 * - `invalid_payload`: an item that is not JSON arrived (reported on the "error" event; the item is skipped).
 *
 * Client-hosted stream servers (docs/protocol.md 7.8) add `name_taken` (`listen`: another client serves the name),
 * `no_such_server` (`connect`/`invoke("$connect/…")`: nobody serves it), `server_gone` (its host went away) and, for
 * a hosted call's `onClose`, `cancelled` (the caller went away) and `connection_lost`.
 */
export class RxStreamsError extends Error {
  constructor(code: string, message?: string, route?: string);
  readonly name: "RxStreamsError" | "AbortError";
  /** The error code, lower-case snake_case. */
  readonly code: string;
  /** The route of the stream or request concerned, when there is one. */
  readonly route?: string;
}

/** Receives a stream's items: the value (parsed JSON) and, for resumable streams, its offset. */
export type NextHandler<T> = (value: T, offset: StreamOffset | undefined) => void;

/** An observer; every member is optional. */
export interface Observer<T> {
  next?: NextHandler<T>;
  /** The stream ended with an error (the server's ERROR, or the client stopped for good). Without it, the error goes to `rx.on("error")`. */
  error?: (error: RxStreamsError) => void;
  /** The stream ended: the server completed it, or `rx.close()` was called. */
  complete?: () => void;
}

/** Ends a subscription. Calling it again does nothing. Also callable as `.unsubscribe()` (RxJS style). */
export interface Unsubscribe {
  (): void;
  unsubscribe(): void;
}

/**
 * A stream of the server (`rx.open(route)`): readable (`subscribe`) and, for duplex routes, writable (`next`,
 * `complete`), so a UI widget can be wired to it either way. Streams are shared per route: one OPEN on the wire for
 * all subscribers. The stream is open on the wire while it has subscribers (or, written to without any, until
 * `complete()`); the client reopens it after every reconnection, resuming after its last offset.
 *
 * @typeParam TOut what the server sends
 * @typeParam TIn what the client writes (duplex routes)
 */
export interface Stream<TOut = unknown, TIn = TOut> {
  /** The route, e.g. `"chat/lobby"`. */
  readonly route: string;

  /** The offset of the last item delivered (or cached, or given as `after`); null before any. */
  readonly lastOffset: StreamOffset | null;

  /** True while the stream is open (or waiting for the connection to open it). */
  readonly active: boolean;

  /**
   * The cached items, oldest first, synchronously: what earlier page loads stored (streams opened with
   * `cache: true`) plus what arrived since, at most `maxCachedItems`. Subscribers do not receive these again: render
   * `load()`, then subscribe, and only newer items arrive. Empty for streams without `cache`.
   */
  load(): TOut[];

  /**
   * Subscribes. The first subscriber opens the stream on the wire; the last one leaving cancels it (CANCEL).
   * Items arriving from now on go to every subscriber in order. Throws `closed` once the client is closed.
   */
  subscribe(observer: NextHandler<TOut> | Observer<TOut>): Unsubscribe;

  /**
   * Writes an input item (duplex routes), as JSON. Sent at once when connected; otherwise buffered (in order, at
   * most `maxBuffered` over the client: beyond, throws `buffer_full`) and sent once the stream is reopened. Input is
   * at most once: items in flight when a connection drops may be lost. Opens the stream if it is not open. Throws
   * `frame_too_large` for an item that does not fit in a frame, `input_completed` after `complete()`.
   */
  next(value: TIn): void;

  /** Ends the input (COMPLETE); the output goes on. A stream opened by `next()` alone is then closed. */
  complete(): void;
}

/** What `rx.listen` resolves with: this client serves `name` until `close()` (or until the listener is lost). */
export interface Listener {
  /** The server's name. */
  readonly name: string;
  /**
   * Stops serving (CANCEL of the `$listen` stream): the name is free at once, and every caller connected to it
   * gets `server_gone`. Calling it again does nothing.
   */
  close(): void;
}

/**
 * One caller of a server this client hosts (`rx.listen`): a stream the server opened to this client. Readable (the
 * caller's input: `subscribe`) and writable (the answers: `next`, then `complete` or `error`), as a `Stream` is.
 *
 * @typeParam TIn what the caller sends
 * @typeParam TOut what this client answers
 */
export interface HostedConnection<TIn = unknown, TOut = unknown> {
  /** The server's name, as given to `listen`. */
  readonly name: string;

  /**
   * The caller's input. Subscribe in `onConnection` (before any `await`): items arriving with no subscriber are
   * not kept. `complete` is called when the input ends: the caller completed it (a request's only item was sent),
   * cancelled, or the connection dropped. Returns the function that unsubscribes.
   */
  subscribe(observer: ((value: TIn) => void) | { next?: (value: TIn) => void; complete?: () => void }): Unsubscribe;

  /** Sends an answer (as JSON). Ignored once the call has ended. Throws `frame_too_large` for an item that does not fit. */
  next(value: TOut): void;

  /** Ends the call successfully (COMPLETE). Ignored once it has ended. */
  complete(): void;

  /**
   * Ends the call with an error the caller receives with this code (lower-case snake_case; anything else is sent
   * as `handler_error`) and message (its first 999 characters). Ignored once it has ended.
   */
  error(code?: string, message?: string): void;

  /**
   * Called once when the call ends: with no argument when this client ended it (`complete`, `error`), with an
   * `RxStreamsError` `cancelled` when the caller went away, `connection_lost` when this client's connection
   * dropped, or `closed` after `rx.close()`. Returns the function that removes it.
   */
  onClose(listener: (reason: RxStreamsError | undefined) => void): Unsubscribe;

  /**
   * With `listen(…, { peerToPeer })`: `"peer"` while the call goes over a WebRTC data channel between the two
   * browsers (both ways), `"relay"` while it goes through the server. Always `"relay"` without `peerToPeer`.
   */
  readonly transport?: Transport;

  /** With `listen(…, { peerToPeer })`: `listener(transport)` on every change of `transport`. Returns the function that removes it. */
  onTransport?(listener: (transport: Transport) => void): Unsubscribe;
}

/** What carries a call to a client-hosted server: the server's relay, or a WebRTC data channel between the two ends. */
export type Transport = "relay" | "peer";

/**
 * Moving calls to a client-hosted server onto a WebRTC data channel (`listen` and `connect`: `peerToPeer: true` or
 * these). The call moves when both ends ask for it; it stays on (or falls back to) the relay otherwise, losing nothing.
 */
export interface PeerToPeerOptions {
  /** STUN and TURN servers, as `RTCPeerConnection` takes them. Default none: only host candidates (same network). */
  iceServers?: { urls: string | string[]; username?: string; credential?: string }[];
  /** `"relay"` allows only TURN candidates. Default `"all"`. */
  iceTransportPolicy?: "all" | "relay";
  /** Milliseconds from the handshake until the data channel carries the call, before giving up (the call stays on the relay). Default 10 000. */
  timeout?: number;
  /** The RTCPeerConnection class (outside browsers, e.g. a Node.js WebRTC package). Default: the global one. */
  RTCPeerConnection?: new (configuration?: object) => unknown;
}

/** Options of `listen`. */
export interface ListenOptions {
  /** Let callers that ask for it move onto a data channel with this page (see `PeerToPeerOptions`). Loads /rx/peer.js. */
  peerToPeer?: boolean | PeerToPeerOptions;
}

/** Options of `connect`. */
export interface ConnectStreamOptions extends Pick<StreamOptions, "credits"> {
  /** Move onto a data channel with the host when it allows it (see `PeerToPeerOptions`). Loads /rx/peer.js. */
  peerToPeer?: boolean | PeerToPeerOptions;
}

/** The stream of `connect(name, { peerToPeer })`: a `Stream` that says what carries it. */
export interface PeerStream<TOut = unknown, TIn = unknown> extends Stream<TOut, TIn> {
  /** `"peer"` while the call goes over a data channel with the host (both ways), `"relay"` otherwise. */
  readonly transport: Transport;
  /** `listener(transport)` on every change of `transport`. Returns the function that removes it. */
  onTransport(listener: (transport: Transport) => void): Unsubscribe;
}

/** What `listenerLost` reports: this client no longer serves `name` (its `$listen` stream ended with `error`). */
export interface ListenerLostEvent {
  name: string;
  /** Usually `name_taken`: after a reconnection, another client had taken the name meanwhile. */
  error: RxStreamsError;
}

/** Options of one stream; those of the first `open` of a route apply (streams are shared per route). */
export interface StreamOptions {
  /**
   * Keep the last offset and the last `maxCachedItems` items of this stream in `storage` (and in memory), so a
   * reloaded page shows them at once with `load()` and resumes after the cached offset. Default false.
   */
  cache?: boolean;
  /** The credits window (items the server may send ahead); `Infinity` for no limit. Default: the client's `credits`. */
  credits?: number;
  /** Resume after this offset on the first open (an offset kept from an earlier run); a cached offset takes precedence. */
  after?: StreamOffset;
}

/** Options of one request (`invoke`, `send`). */
export interface CallOptions {
  /** Milliseconds to wait for the answer before rejecting with `timeout` (and cancelling); 0 or Infinity waits forever. Default: `invokeTimeout`. */
  timeout?: number;
  /** Aborting it cancels the request (CANCEL on the wire) and rejects with an `AbortError` (code `aborted`). */
  signal?: AbortSignalLike;
}

/** What `notRecovered` reports: items after `lastOffset` and before `firstOffset` are lost (docs/protocol.md 8.3). */
export interface NotRecoveredEvent {
  route: string;
  /** The offset the client had and asked to resume after. */
  lastOffset: StreamOffset | null;
  /** The first offset the channel still holds. The stream is reopened from there ("0-0"). */
  firstOffset: StreamOffset | null;
  /** The server's message. */
  message: string;
}

/** The client's events. */
export interface ClientEvents {
  /** The connection's state changed. */
  state: ConnectionState;
  /** A stream could not resume without loss; it goes on from the first item still held. */
  notRecovered: NotRecoveredEvent;
  /**
   * Errors the application did not handle elsewhere: a stream error without an observer `error`, an exception thrown
   * by an observer or listener, an item that is not JSON, the client giving up. Without any "error" listener they
   * are thrown asynchronously (they show as uncaught errors).
   */
  error: RxStreamsError | Error;
  /**
   * A name this client served (`listen`) is lost: after a reconnection, its `$listen` stream could not take the name
   * again. Without any "listenerLost" listener the error goes to "error".
   */
  listenerLost: ListenerLostEvent;
}

/** Something with the shape of `console`. */
export interface Logger {
  debug?(...args: unknown[]): void;
  info?(...args: unknown[]): void;
  warn?(...args: unknown[]): void;
  error?(...args: unknown[]): void;
}

/** A Web Storage (localStorage, sessionStorage) or anything with the same members. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  key(index: number): string | null;
  readonly length: number;
}

/**
 * What the client needs of a WebSocket: the browser's, the global one of Node.js 22 and later, or the `ws` package's
 * (Node.js 20). The client sets `binaryType` to `"arraybuffer"` and the four `on…` handlers itself, sends binary
 * messages only, and closes with code 1000.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  /** The client sends Uint8Arrays (typed loosely: the DOM's and ws's declarations of `send` do not overlap). */
  send(data: any): void;
  close(code?: number): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
}

/** An AbortSignal (the browser's, Node.js's) or anything with the same members. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** Options of `connect`. Delays and timeouts are in milliseconds. */
export interface ConnectOptions {
  /** The first reconnection delay: before attempt k the client waits a random time in [d/2, d], d = min(max, this × 2^k). Default 500. */
  reconnectDelay?: number;
  /** The longest reconnection delay. Default 30 000. */
  maxReconnectDelay?: number;
  /** Stop (state "closed", "error" event with `connection_lost`) after this many failed attempts in a row. Default Infinity. */
  maxReconnectAttempts?: number;
  /** How long connecting and the handshake may take before the attempt is abandoned. Default 10 000. */
  connectTimeout?: number;
  /** The default timeout of `invoke` and `send`. Default 30 000. */
  invokeTimeout?: number;
  /** The credits window of streams: how many items the server may send ahead; `Infinity` for no limit. Default 256. */
  credits?: number;
  /** How many input items may wait for the connection, over all streams. Default 1 000. */
  maxBuffered?: number;
  /** Where streams opened with `cache: true` are kept; null keeps them in memory only. Default localStorage (when available). */
  storage?: StorageLike | null;
  /** Where the session id is kept while the page reloads; null keeps it in memory only. Default sessionStorage (when available). */
  sessionStorage?: StorageLike | null;
  /** The most items cached per stream. Default 200. */
  maxCachedItems?: number;
  /** The most characters one stream's cache entry may take in storage (older items are dropped first). Default 262 144. */
  maxCacheBytes?: number;
  /** Called on every state change (as `rx.on("state")`). */
  onStateChange?: (state: ConnectionState) => void;
  /** Where the client logs connections, losses, reconnections and protocol errors. Default: nowhere. */
  logger?: Logger | null;
  /**
   * The WebSocket class to use. Default: the global WebSocket (browsers, Node.js 22 and later). Node.js 20 has none:
   * pass the `ws` package's (`import WebSocket from "ws"`), or a subclass of it that adds headers.
   */
  WebSocket?: new (url: string) => WebSocketLike;
}

/** A connection to an RxStreams server, reconnecting by itself. */
export interface Client {
  /** The connection's state. */
  readonly state: ConnectionState;

  /** The session id the server gave in its last WELCOME ("" before). */
  readonly sessionId: string;

  /** Listens to an event; returns the function that stops listening. */
  on<K extends keyof ClientEvents>(event: K, listener: (value: ClientEvents[K]) => void): () => void;

  /** The stream of a route (the same object for the same route). Nothing goes on the wire until it is subscribed or written to. */
  open<TOut = unknown, TIn = TOut>(route: string, options?: StreamOptions): Stream<TOut, TIn>;

  /** `open(route, options).subscribe(observer)`: the read-only way. */
  subscribe<TOut = unknown>(route: string, observer: NextHandler<TOut> | Observer<TOut>, options?: StreamOptions): Unsubscribe;

  /**
   * Request/response: sends `request` (as JSON) to the route and resolves with the response. Rejects with an
   * `RxStreamsError`: the server's code and message, `timeout`, `aborted`, `connection_lost` (the connection dropped
   * while it was in flight: it is not resent, since it may have run), `closed`, `frame_too_large`. A call made while
   * disconnected waits for the connection (within its timeout).
   */
  invoke<TResponse = unknown, TRequest = unknown>(route: string, request?: TRequest, options?: CallOptions): Promise<TResponse>;

  /** Fire-and-forget: sends `message` to the route; resolves once the server has handled it. Rejects as `invoke` does. */
  send<TMessage = unknown>(route: string, message?: TMessage, options?: CallOptions): Promise<void>;

  /**
   * Makes this client the stream server of `name` (1 to 128 characters, no `/`), through the server, for other
   * clients to `connect` to. Resolves once the server has given it the name; rejects with `name_taken` when another
   * client serves it (or `closed`). Each caller is one `onConnection(connection)`. After a reconnection the name is
   * taken again; if another client took it meanwhile, `listenerLost` is emitted.
   */
  listen<TIn = unknown, TOut = unknown>(name: string, onConnection: (connection: HostedConnection<TIn, TOut>) => void, options?: ListenOptions): Promise<Listener>;

  /**
   * A duplex stream to the client-hosted server `name` (`open("$connect/" + name)`): `next` sends it input,
   * `subscribe` gets its answers. Observers get `error` with `no_such_server` when nobody serves the name, and
   * `server_gone` when its host goes away; subscribing again tries again. For one request and its answer, use
   * `invoke("$connect/" + name, request)`. With `peerToPeer`, the call moves onto a WebRTC data channel when the
   * host allows it too (`transport`, `onTransport`).
   */
  connect<TOut = unknown, TIn = unknown>(name: string, options: ConnectStreamOptions & { peerToPeer: true | PeerToPeerOptions }): PeerStream<TOut, TIn>;
  connect<TOut = unknown, TIn = unknown>(name: string, options?: ConnectStreamOptions): Stream<TOut, TIn>;

  /** Removes this endpoint's cached streams from storage and memory (for example when the user signs out). */
  clearCache(): void;

  /**
   * Closes the connection for good (close code 1000), after sending what was already written. Streams complete,
   * pending requests reject with `closed`.
   */
  close(): void;
}

/**
 * Connects to an RxStreams endpoint. `url` is relative to the page (`"/rx"`: http becomes ws, https wss), a full
 * `ws://` or `wss://` URL (`http://` and `https://` are turned into them; outside a page, in Node.js, the URL must be
 * full), or a function returning one, called before every attempt (to put a fresh token in the query, for example).
 * Returns at once; the client connects, and reconnects, by itself.
 */
export function connect(url: string | URL | (() => string | URL), options?: ConnectOptions): Client;

/** The wire codec, for tests and tools. Not part of the supported API: it may change without notice. */
export const _protocol: {
  decode(bytes: Uint8Array, maxFrameSize?: number, each?: (frame: Record<string, unknown>) => void): Record<string, unknown>[];
  encodeFrame(frame: Record<string, unknown>): Uint8Array;
  encode(frames: Record<string, unknown>[]): Uint8Array;
  toOffset(offset: StreamOffset): [number, number];
  isAfter(a: StreamOffset, b: StreamOffset): boolean;
  readonly VERSION: number;
  readonly UNBOUNDED: number;
};
