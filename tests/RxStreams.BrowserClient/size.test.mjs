// The size budget of the browser client: esbuild --minify, then gzip -9, at most 6 KB (docs/browser-client.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { measure, BUDGET } from "./size.mjs";

test(`minified + gzipped, the client is at most ${BUDGET} bytes`, async (t) => {
  const { source, minified, gzipped } = await measure();
  t.diagnostic(`rxstreams.js: ${source} bytes source, ${minified} minified, ${gzipped} minified + gzip -9`);
  assert.ok(gzipped <= BUDGET, `${gzipped} bytes minified + gzipped, over the ${BUDGET}-byte budget`);
});

test("the minified client is still a working ES module", async () => {
  const { code } = await measure();
  const module = await import("data:text/javascript;base64," + Buffer.from(code).toString("base64"));
  assert.equal(typeof module.connect, "function");
  assert.equal(typeof module.RxStreamsError, "function");
  const bytes = module._protocol.encodeFrame({ type: "open", streamId: 1, route: "chat/lobby", credits: 256 });
  assert.equal(Buffer.from(bytes).toString("hex"), "100301000a636861742f6c6f6262798002");
});

test("the served file is self-contained: no import, no require, no build-time syntax", async () => {
  const { readFileSync } = await import("node:fs");
  const { clientPath } = await import("./size.mjs");
  const source = readFileSync(clientPath, "utf8");
  assert.doesNotMatch(source, /^\s*import\s/m);
  assert.doesNotMatch(source, /\brequire\(/);
  assert.doesNotMatch(source, /process\.env/);
});
