// Prints the browser client's size: raw, esbuild-minified, and minified + gzip -9 (the figure the budget is about).
import { readFileSync } from "node:fs";
import { gzipSync, constants } from "node:zlib";
import { transform } from "esbuild";

export const clientPath = new URL("../../src/RxStreams.AspNetCore/Client/rxstreams.js", import.meta.url);
export const BUDGET = 6144;

export async function measure() {
  const source = readFileSync(clientPath, "utf8");
  const { code } = await transform(source, { minify: true, format: "esm" });
  const gzipped = gzipSync(code, { level: constants.Z_BEST_COMPRESSION }).length;
  return { source: Buffer.byteLength(source), minified: Buffer.byteLength(code), gzipped, code };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { source, minified, gzipped } = await measure();
  console.log(`rxstreams.js: ${source} bytes source, ${minified} minified, ${gzipped} minified + gzip -9 (budget ${BUDGET})`);
}
