// The real parts the Node.js client's tests run against, as child processes on 127.0.0.1: a redis-server on a free
// port, and server nodes (tests/RxStreams.TestServer, built by `dotnet build` or ./test.sh) using it as backplane.
// Every process started here is killed when the test process exits, whatever happens to the test.
import assert from "node:assert/strict";
import { spawn, execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, connect as tcpConnect } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const children = new Set();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** Resolves with what `condition()` returns once it is truthy (it may be async); fails after `timeout` ms with `what`. */
export async function until(condition, what, timeout = 30000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** A TCP port of 127.0.0.1 nothing listens on (the system's choice, released before it is returned). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command to its end: `{ stdout, stderr }`, or a rejection carrying both. */
export async function run(file, args, options = {}) {
  try {
    return await promisify(execFile)(file, args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024, ...options });
  } catch (e) {
    throw new Error(`${file} ${args.join(" ")} failed (${e.code ?? e.signal}):\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

function start(command, args, name) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1" } });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  children.add(child);
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)));
  exited.then(() => children.delete(child));
  let failed = false;
  child.on("error", (e) => {
    failed = true;
    output += `${name} did not start: ${e.message}\n`;
  });
  return {
    child,
    exited,
    get output() {
      return output;
    },
    /** True once the process exited, or could not start. */
    get gone() {
      return failed || child.exitCode !== null || child.signalCode !== null;
    },
    /** SIGKILL, as a crash: no cleanup of any kind. Resolves once the process is gone. */
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** redis-server on a free port, with no persistence. */
export async function startRedis() {
  const port = await freePort();
  const redis = start("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], "redis-server");
  const pong = () =>
    new Promise((resolve) => {
      const socket = tcpConnect(port, "127.0.0.1", () => socket.write("PING\r\n"));
      const answer = (ok) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1000, () => answer(false));
      socket.on("data", (d) => answer(String(d).startsWith("+PONG")));
      socket.on("error", () => answer(false));
    });
  await until(async () => {
    if (redis.gone) assert.fail(`redis-server exited:\n${redis.output}`);
    return pong();
  }, `redis-server on port ${port}`);
  return Object.assign(redis, { port, address: `127.0.0.1:${port}` });
}

/** The built test server (tests/RxStreams.TestServer): Release, as ./test.sh builds it, or else Debug. */
export function testServerAssembly() {
  for (const configuration of ["Release", "Debug"]) {
    const path = `${repositoryRoot}tests/RxStreams.TestServer/bin/${configuration}/net10.0/RxStreams.TestServer.dll`;
    if (existsSync(path)) return path;
  }
  throw new Error("tests/RxStreams.TestServer is not built: run `dotnet build tests/RxStreams.TestServer -c Release` (./test.sh does).");
}

/**
 * A server node: tests/RxStreams.TestServer on `port` (a free one when omitted), with `redis` as backplane, serving
 * RxStreams at /rx. Resolves once it answers /health.
 */
export async function startServer({ port, redis, prefix, node = "a" }) {
  port ??= await freePort();
  const args = [testServerAssembly(), "--urls", `http://127.0.0.1:${port}`, "--node", node, "--redis", redis.address, "--prefix", prefix];
  const server = start("dotnet", args, `server ${node}`);
  await until(async () => {
    if (server.gone) assert.fail(`server ${node} exited:\n${server.output}`);
    try {
      return (await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) })).ok;
    } catch {
      return false;
    }
  }, `server ${node} serving on port ${port}`, 60000);
  return Object.assign(server, { port, node, url: `ws://127.0.0.1:${port}/rx` });
}
