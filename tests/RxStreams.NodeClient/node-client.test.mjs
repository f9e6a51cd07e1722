// The RxStreams client in Node.js, as a Node service gets it: installed with `npm install <this repository>` into a
// temporary project (consumer.mjs), with the `ws` package's WebSocket, against a real server node
// (tests/RxStreams.TestServer) that uses a real redis-server as backplane (processes.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, realpathSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createConsumer } from "./consumer.mjs";
import { freePort, repositoryRoot, run, startRedis, startServer, until } from "./processes.mjs";

const clientModule = "src/RxStreams.AspNetCore/Client/rxstreams.js";
const clientDeclarations = "src/RxStreams.AspNetCore/Client/rxstreams.d.ts";
const modelModule = "src/RxStreams.AspNetCore/Client/rxstreams-model.js";
const modelDeclarations = "src/RxStreams.AspNetCore/Client/rxstreams-model.d.ts";
const tsc = fileURLToPath(new URL("./node_modules/typescript/bin/tsc", import.meta.url));
const prefix = `node-client-${process.pid}`;

let consumer; // the temporary project: { directory, client, remove }
let redis;
let server; // the server node; the restart test replaces it with a new process on the same port

before(
  async () => {
    // Each assigned as soon as it exists, so that `after` stops what started even when the other part failed.
    const started = await Promise.allSettled([createConsumer().then((c) => (consumer = c)), startRedis().then((r) => (redis = r))]);
    for (const { status, reason } of started) if (status === "rejected") throw reason;
    server = await startServer({ redis, prefix });
  },
  { timeout: 180000 },
);

after(async () => {
  await server?.kill();
  await redis?.kill();
  consumer?.remove();
});

/** A client of the installed package with ws's WebSocket, closed when the test ends. */
function client(t, url = server.url, options = {}) {
  const { connect, WebSocket } = consumer.client;
  const rx = connect(url, { WebSocket, reconnectDelay: 100, maxReconnectDelay: 1000, ...options });
  t.after(() => rx.close());
  return rx;
}

const unique = (name) => `${name}-${Math.random().toString(36).slice(2, 10)}`;

/** Runs `source` as a module of the temporary project, in its own Node.js process: its stdout, trimmed. */
async function runScript(name, source, nodeOptions = [], args = []) {
  const path = join(consumer.directory, name);
  writeFileSync(path, source);
  const { stdout } = await run(process.execPath, [...nodeOptions, path, ...args], { cwd: consumer.directory, timeout: 30000 });
  return stdout.trim();
}

test("npm install <repository>: the package resolves to the client module and its declarations, at the .NET packages' version", async () => {
  const manifest = JSON.parse(readFileSync(join(consumer.directory, "node_modules", "rxstreams", "package.json"), "utf8"));
  const dotnetVersion = /<Version>([^<]+)<\/Version>/.exec(readFileSync(join(repositoryRoot, "Directory.Build.props"), "utf8"))[1];
  assert.equal(manifest.version, dotnetVersion);
  assert.equal(manifest.type, "module");

  const resolved = createRequire(join(consumer.directory, "index.js")).resolve("rxstreams");
  assert.equal(realpathSync(resolved), realpathSync(join(repositoryRoot, clientModule)));
  assert.equal(typeof consumer.client.connect, "function");
  assert.equal(typeof consumer.client.RxStreamsError, "function");

  // What a packed or copied install (npm pack, npm install --install-links) takes: the module and its declarations,
  // the codec it imports, and the module the client imports itself for peerToPeer.
  const [packed] = JSON.parse((await run("npm", ["pack", "--dry-run", "--json", "--loglevel=error"], { cwd: repositoryRoot })).stdout);
  assert.deepEqual(packed.files.map((f) => f.path).sort(), ["README.md", "package.json", "src/RxStreams.AspNetCore/Client/codec.js", "src/RxStreams.AspNetCore/Client/peer.js", clientDeclarations, clientModule, modelDeclarations, modelModule].sort());
});

test("connect, subscribe, publish and invoke against a real server", async (t) => {
  const { RxStreamsError, _protocol } = consumer.client;
  const room = unique("room/lobby");
  const alice = client(t);
  const bob = client(t);
  const received = [];
  bob.subscribe(room, (value, offset) => received.push({ value, offset }));
  const input = alice.open(room);
  for (let n = 1; n <= 3; n++) input.next({ n });

  await until(() => received.length >= 3, "bob received alice's three messages");
  assert.deepEqual(received.map((r) => r.value), [1, 2, 3].map((n) => ({ n, node: "a" })));
  assert.ok(_protocol.isAfter(received[1].offset, received[0].offset) && _protocol.isAfter(received[2].offset, received[1].offset), JSON.stringify(received));
  assert.equal(alice.state, "connected");
  assert.notEqual(alice.sessionId, "");

  assert.equal(await alice.invoke("node", { n: 0 }), "a");
  await assert.rejects(bob.invoke("no/such/route", {}), (e) => e instanceof RxStreamsError && e.code === "route_not_found");
});

test("models: a Node.js service watches a model (rxstreams/model) and edits it through its handler", async (t) => {
  const resolved = createRequire(join(consumer.directory, "index.js")).resolve("rxstreams/model");
  assert.equal(realpathSync(resolved), realpathSync(join(repositoryRoot, modelModule)));
  const { withModels } = await import(pathToFileURL(resolved).href);
  const route = unique("counter/c");
  const alice = withModels(client(t));
  const bob = withModels(client(t));
  const seen = [];
  bob.model(route).subscribe(({ state, version }) => seen.push([version, state.count]));
  await until(() => seen.length === 1, "bob gets the snapshot");
  const counter = alice.model(route);
  assert.equal(await counter.edit({ n: 5 }), 1);
  assert.equal(await counter.edit({ n: 2 }), 2);
  await assert.rejects(counter.edit({ n: 50 }), (e) => e.code === "edit_refused" && e.message === "Add 1 to 10.");
  await until(() => seen.at(-1)?.[0] === 2, "bob sees version 2");
  assert.deepEqual(seen, [[0, 0], [1, 5], [2, 7]]);
});

test("listen: a Node.js client hosts a named server, another connects to it and invokes it", async (t) => {
  const name = unique("doubler");
  const host = client(t);
  const caller = client(t);
  const ended = [];
  const listener = await host.listen(name, (call) => {
    call.subscribe({ next: ({ n }) => call.next({ doubled: 2 * n }), complete: () => call.complete() });
    call.onClose((reason) => ended.push(reason?.code ?? "completed"));
  });
  assert.equal(listener.name, name);

  assert.deepEqual(await caller.invoke("$connect/" + name, { n: 21 }), { doubled: 42 });

  const answers = [];
  let error = null;
  const stream = caller.connect(name);
  stream.subscribe({ next: ({ doubled }) => answers.push(doubled), error: (e) => (error = e) });
  stream.next({ n: 1 });
  stream.next({ n: 2 });
  await until(() => answers.length === 2, "two answers from the hosted server");
  assert.deepEqual(answers, [2, 4]);

  await assert.rejects(caller.listen(name, () => {}), (e) => e.code === "name_taken");

  listener.close();
  await until(() => error, "the caller learning that the server is gone");
  assert.equal(error.code, "server_gone");
  await until(() => ended.length === 2, "both calls ended on the host");
  assert.deepEqual(ended.sort(), ["cancelled", "completed"]);
});

test("reconnects after the server restarts, and resumes each stream after its last offset", { timeout: 120000 }, async (t) => {
  const { WebSocket, _protocol } = consumer.client;
  const room = unique("room/restart");
  // Alice's URL is a function, called before each attempt: while `away`, it names a port nothing listens on, so the
  // test decides when she comes back (after the others published without her).
  let away = false;
  const nowhere = `ws://127.0.0.1:${await freePort()}/rx`;
  const opens = []; // the OPEN frames alice sent, as the server received them
  class Recording extends WebSocket {
    send(data) {
      for (const frame of _protocol.decode(data)) if (frame.type === "open") opens.push(frame);
      super.send(data);
    }
  }
  const alice = client(t, () => (away ? nowhere : server.url), { WebSocket: Recording });
  const bob = client(t);
  const seen = { alice: [], bob: [] };
  alice.subscribe(room, ({ n }) => seen.alice.push(n));
  bob.subscribe(room, ({ n }) => seen.bob.push(n));
  const input = bob.open(room);
  for (let n = 1; n <= 3; n++) input.next({ n });
  await until(() => seen.alice.length === 3 && seen.bob.length === 3, "both received 1 to 3");
  const last = alice.open(room).lastOffset;
  assert.match(last, /^\d+-\d+$/);

  away = true;
  await server.kill();
  await until(() => alice.state === "reconnecting" && bob.state === "reconnecting", "both clients reconnecting");
  input.next({ n: 4 }); // while disconnected: buffered, sent once bob's stream is reopened
  input.next({ n: 5 });
  server = await startServer({ port: server.port, redis, prefix });

  await until(() => seen.bob.length === 5, "bob, reconnected to the new process, sent and received 4 and 5");
  assert.deepEqual(seen.bob, [1, 2, 3, 4, 5]);
  assert.deepEqual(seen.alice, [1, 2, 3]);

  away = false;
  await until(() => seen.alice.length === 5, "alice, reconnected, received what she missed");
  const reopened = opens.filter((frame) => frame.route === room);
  assert.equal(reopened.length, 2, JSON.stringify(reopened));
  assert.equal(reopened[1].offset, last, "the stream was reopened after the last offset alice had");
  await until(() => alice.invoke("node", {}).then((node) => node === "a"), "alice's requests answered again");
  assert.deepEqual(seen.alice, [1, 2, 3, 4, 5]);
});

test("the global WebSocket (Node.js 22; 20 with --experimental-websocket) is used when none is given, and the process exits after close()", async () => {
  const flags = Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-websocket", "--no-warnings"] : [];
  const source = `import { connect } from "rxstreams";
const rx = connect(process.argv[2]);
console.log(await rx.invoke("node", {}));
rx.close(); // nothing else: the process must end by itself
`;
  assert.equal(await runScript("global-websocket.mjs", source, flags, [server.url]), "a");
});

test("without a WebSocket (Node.js 20 has none), or with a URL relative to no page, connect throws a TypeError", async () => {
  const source = `import { connect } from "rxstreams";
try {
  connect("ws://127.0.0.1:9/rx");
  console.log("connect returned");
} catch (e) {
  console.log(e.name + ": " + e.message);
}
`;
  assert.equal(await runScript("no-websocket.mjs", source, ["--no-experimental-websocket"]), "TypeError: No WebSocket: pass options.WebSocket.");

  const { connect, WebSocket } = consumer.client;
  assert.throws(() => connect("/rx", { WebSocket }), (e) => e instanceof TypeError && e.code === "ERR_INVALID_URL" && e.input === "/rx");
});

test("ws's error events (refused, closed while connecting) are logged, the client retries, and the process goes on", async (t) => {
  // A port that accepts connections and never answers the upgrade: the attempt times out, and closing a ws socket
  // that is still connecting makes it emit "error" (which, unheard, would be thrown at the process).
  const held = new Set();
  const silent = createServer((socket) => held.add(socket));
  await new Promise((resolve) => silent.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    for (const socket of held) socket.destroy();
    silent.close();
  });
  const refused = `ws://127.0.0.1:${await freePort()}/rx`;
  for (const [url, expected] of [
    [refused, "ECONNREFUSED"],
    [`ws://127.0.0.1:${silent.address().port}/rx`, "closed before the connection was established"],
  ]) {
    const warnings = [];
    const errors = [];
    const rx = client(t, url, {
      reconnectDelay: 10,
      maxReconnectDelay: 20,
      maxReconnectAttempts: 2,
      connectTimeout: 200,
      logger: { warn: (...args) => warnings.push(args.join(" ")) },
    });
    rx.on("error", (e) => errors.push(e));
    await until(() => rx.state === "closed", `the client giving up on ${url}`);
    assert.deepEqual(errors.map((e) => e.code), ["connection_lost"]);
    await until(() => warnings.some((w) => w.includes(expected)), `a warning naming ${expected}`, 5000);
  }
});

test("TypeScript: a Node.js project with no DOM library type-checks against the installed declarations", async () => {
  writeFileSync(
    join(consumer.directory, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "es2022",
        module: "nodenext",
        moduleResolution: "nodenext",
        lib: ["es2022"],
        types: ["node"],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
      },
      files: ["usage.ts"],
    }),
  );
  writeFileSync(join(consumer.directory, "usage.ts"), readFileSync(new URL("./usage.ts", import.meta.url)));
  try {
    await run(process.execPath, [tsc, "-p", consumer.directory], { cwd: consumer.directory });
  } catch (e) {
    assert.fail(`tsc reported errors:\n${e.message}`);
  }
});
