// Declarations of the browser client's model module (rxstreams-model.js, served as {pattern}/model.js).
import type { Client, RxStreamsError, StreamOptions } from "./rxstreams.js";

/** A model's state at one version. */
export interface ModelState<TState> {
  readonly state: TState;
  readonly version: number;
}

/** Observers of a model: whole states, then an error or the end. */
export type ModelObserver<TState> =
  | ((value: ModelState<TState>) => void)
  | { next?(value: ModelState<TState>): void; error?(error: RxStreamsError | Error): void; complete?(): void };

/**
 * A model stream (a handler returning ModelStream<TState>): whole states (the merge patches the server sends are
 * applied here), and edits that go through the handler.
 */
export interface Model<TState = unknown, TEdit = unknown> {
  readonly route: string;

  /** The last state and its version, or null before the first. */
  readonly current: ModelState<TState> | null;

  /** The current state at once if there is one, then every new version. Returns the function that unsubscribes. */
  subscribe(observer: ModelObserver<TState>): () => void;

  /** Sends an edit; resolves with the version it made, rejects with the handler's refusal (`edit_refused`), `timeout` … */
  edit(edit: TEdit, options?: { timeout?: number }): Promise<number>;
}

/** Applies a JSON merge patch (RFC 7386) without changing its arguments. */
export function mergePatch<T = unknown>(target: unknown, patch: unknown): T;

/** The model stream on `route`. */
export function model<TState = unknown, TEdit = unknown>(rx: Client, route: string, options?: StreamOptions): Model<TState, TEdit>;

/** A client with models: `rx.model(route)`. */
export type ClientWithModels = Client & {
  model<TState = unknown, TEdit = unknown>(route: string, options?: StreamOptions): Model<TState, TEdit>;
};

/** Adds `rx.model(route, options)` to a client made by `connect`, and returns it. */
export function withModels(rx: Client): ClientWithModels;
