// Compile-only check of rxstreams-model.d.ts (types.test.mjs runs tsc --noEmit on this folder).
import { connect } from "../../../src/RxStreams.AspNetCore/Client/rxstreams.js";
import { model, mergePatch, withModels, type Model, type ModelState } from "../../../src/RxStreams.AspNetCore/Client/rxstreams-model.js";

interface TodoList {
  items: Record<string, { text: string; done: boolean }>;
}

interface TodoEdit {
  add?: string;
  id?: string;
  done?: boolean;
}

export async function models(): Promise<void> {
  const rx = withModels(connect("/rx"));
  const todo: Model<TodoList, TodoEdit> = rx.model<TodoList, TodoEdit>("todo/team");
  const off = todo.subscribe(({ state, version }: ModelState<TodoList>) => console.log(version, Object.keys(state.items)));
  const version: number = await todo.edit({ add: "milk" }, { timeout: 5000 });
  console.log(version, todo.current?.state.items, todo.route);
  off();
  todo.subscribe({ next: (s) => s.version, error: (e) => console.log(e.message) });
  const plain = model<TodoList>(rx, "todo/other", { credits: 16 });
  console.log(plain.current, mergePatch<TodoList>({ items: {} }, { items: { a: { text: "x", done: false } } }).items);

  // Mistakes the declarations refuse.
  // @ts-expect-error: edits are typed
  await todo.edit({ title: "milk" });
  // @ts-expect-error: states are typed
  todo.subscribe(({ state }) => state.nope);
  // @ts-expect-error: current is read-only
  todo.current = null;
}
