// RxStreams realtime models for the browser (docs/models.md), served as {pattern}/model.js beside client.js:
//
//   import { connect } from "/rx/client.js";
//   import { withModels } from "/rx/model.js";
//   const rx = withModels(connect("/rx"));
//   const todo = rx.model("todo/team");
//   todo.subscribe(({ state, version }) => render(state));
//   await todo.edit({ id: "1", title: "Milk" });   // the version it made; rejects with the handler's refusal
//
// The server sends a snapshot ({"v":7,"s":STATE}), then only changes ({"v":8,"p":PATCH}, RFC 7386 merge patches);
// this module applies them and gives subscribers whole states. Kept out of client.js, which has a size budget, and
// free of imports, so the same file is the npm package's "rxstreams/model" for Node.js.

/** An error with the protocol's snake_case `code`, shaped as client.js's RxStreamsError (name, code, route). */
const failure = (code, message, route) => Object.assign(new Error(message || code), { name: "RxStreamsError", code, route });

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Applies a JSON merge patch (RFC 7386) to `target` and returns the result. Nothing is changed in place: objects on
 * the path of a change are copied, the rest is shared, so a UI can compare states by reference.
 */
export function mergePatch(target, patch) {
  if (!isObject(patch)) return patch;
  const result = isObject(target) ? { ...target } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else result[name] = mergePatch(result[name], value);
  }
  return result;
}

/** The model stream on `route` of the client `rx`: whole states, their versions, and edits through the handler. */
export function model(rx, route, options = {}) {
  const stream = rx.open(route, options);
  const observers = new Set();
  const pending = new Map(); // write id -> { resolve, reject, timer }
  let current = null; // { state, version }
  let unsubscribe = null;
  let nextWrite = 1;

  const deliver = (method, value) => {
    for (const observer of [...observers]) {
      try {
        if (typeof observer === "function") {
          if (method === "next") observer(value);
        } else observer[method]?.(value);
      } catch (e) {
        setTimeout(() => {
          throw e;
        });
      }
    }
  };

  const fail = (error) => {
    for (const [id, p] of pending) {
      pending.delete(id);
      clearTimeout(p.timer);
      p.reject(error);
    }
  };

  const onItem = (item) => {
    if (!isObject(item)) return;
    if ("w" in item) {
      const p = pending.get(item.w);
      if (!p) return; // answered after its timeout
      pending.delete(item.w);
      clearTimeout(p.timer);
      if ("v" in item) p.resolve(item.v);
      else p.reject(failure(item.code || "edit_refused", item.error, route));
      return;
    }
    if ("s" in item) current = { state: item.s, version: item.v };
    else if ("p" in item && current && item.v === current.version + 1) current = { state: mergePatch(current.state, item.p), version: item.v };
    else {
      // The server never sends a change that does not follow the state this client has; applying it would be wrong.
      const error = failure("protocol_error", `The model "${route}" sent version ${item.v} to a client at ${current?.version}.`, route);
      current = null;
      stop();
      fail(error);
      deliver("error", error);
      return;
    }
    deliver("next", current);
  };

  const start = () => {
    unsubscribe ??= stream.subscribe({
      next: onItem,
      error: (e) => {
        unsubscribe = null;
        fail(e);
        deliver("error", e);
      },
      complete: () => {
        unsubscribe = null;
        fail(failure("cancelled", `The model stream "${route}" ended.`, route));
        deliver("complete");
      },
    });
  };

  const stop = () => {
    const u = unsubscribe;
    unsubscribe = null;
    // The state stays: the stream remembers the offset of the last item it delivered here, which is the one that made
    // this version, so subscribing again resumes after it (the changes that follow, or a fresh snapshot when the
    // server no longer holds them). Dropping the state here made a resumed change arrive at a client with none.
    u?.();
  };

  const release = () => {
    if (observers.size === 0 && pending.size === 0) stop();
  };

  return {
    route,
    /** The last state and its version, or null before the first. */
    get current() {
      return current;
    },
    /**
     * Subscribes to `{ state, version }`: the current state at once if there is one, then each new version. The first
     * subscriber opens the stream; the last one leaving closes it.
     */
    subscribe(observer) {
      observers.add(observer);
      if (current) {
        if (typeof observer === "function") observer(current);
        else observer.next?.(current);
      }
      start();
      return () => {
        observers.delete(observer);
        release();
      };
    },
    /**
     * Sends an edit to the model's handler (which validates it: clients never write the state) and resolves with the
     * version it made; rejects with an RxStreamsError: the handler's refusal (`edit_refused`, its reason as the
     * message), `timeout`, or the stream's end.
     */
    edit(edit, { timeout = 30000 } = {}) {
      const w = nextWrite++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(w);
          reject(failure("timeout", `The edit to "${route}" got no answer within ${timeout} ms.`, route));
          release();
        }, timeout);
        pending.set(w, {
          resolve: (v) => {
            resolve(v);
            release();
          },
          reject: (e) => {
            reject(e);
            release();
          },
          timer,
        });
        start();
        stream.next({ w, edit });
      });
    },
  };
}

/** Adds `rx.model(route, options)` to a client made by `connect`, and returns it. */
export function withModels(rx) {
  rx.model = (route, options) => model(rx, route, options);
  return rx;
}
