// The size budget of the browser client: the module build.mjs makes (esbuild, bundled and minified), gzip -9, at most
// 6 KB (docs/browser-client.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { measure, BUDGET } from "./size.mjs";
import { distDirectory } from "./build.mjs";

test(`minified + gzipped, the client is at most ${BUDGET} bytes`, async (t) => {
  const { source, minified, gzipped, brotli } = await measure();
  t.diagnostic(`rxstreams.js: ${source} bytes source, ${minified} minified, ${gzipped} minified + gzip -9, ${brotli} minified + brotli 11`);
  assert.ok(gzipped <= BUDGET, `${gzipped} bytes minified + gzipped, over the ${BUDGET}-byte budget`);
});

test("the built client, as served (dist/client.js), is a working ES module", async () => {
  const code = readFileSync(new URL("client.js", distDirectory));
  const module = await import("data:text/javascript;base64," + code.toString("base64"));
  assert.equal(typeof module.connect, "function");
  assert.equal(typeof module.RxStreamsError, "function");
  const bytes = module._protocol.encodeFrame({ type: "open", streamId: 1, route: "chat/lobby", credits: 256 });
  assert.equal(Buffer.from(bytes).toString("hex"), "100301000a636861742f6c6f6262798002");
});
