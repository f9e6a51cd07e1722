// Prints the browser client's size: the readable source, the built module (build.mjs: bundled and minified by
// esbuild), and that module compressed as the server compresses it (gzip -9 and Brotli quality 11). The budget is
// about the gzipped module; the test of RxStreams.AspNetCore.Tests checks the bytes a running server sends.
import { readFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { bundle, modules } from "./build.mjs";

export const clientPath = new URL("../../src/RxStreams.AspNetCore/Client/rxstreams.js", import.meta.url);
export const BUDGET = 6300; // 6 KiB, plus 128 bytes for the peerToPeer hook (peer.js itself is loaded only when asked for) and 28 for the move of a draining node

export async function measure() {
  const source = readFileSync(clientPath, "utf8");
  const { code } = await bundle(modules.find((m) => m.name === "client"));
  const gzipped = gzipSync(code, { level: constants.Z_BEST_COMPRESSION }).length;
  const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }).length;
  return { source: Buffer.byteLength(source), minified: code.length, gzipped, brotli, code: code.toString("utf8") };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { source, minified, gzipped, brotli } = await measure();
  console.log(`rxstreams.js: ${source} bytes source, ${minified} minified, ${gzipped} minified + gzip -9, ${brotli} minified + brotli 11 (budget ${BUDGET} gzipped)`);
  // The other served modules, which a page loads only when it uses them (peer.js: peerToPeer). No budget of their own.
  for (const module of modules.filter((m) => m.name !== "client")) {
    const { code } = await bundle(module);
    const entry = readFileSync(new URL("../../src/RxStreams.AspNetCore/Client/" + module.entry, import.meta.url));
    const gz = gzipSync(code, { level: constants.Z_BEST_COMPRESSION }).length;
    const br = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }).length;
    console.log(`${module.entry}: ${entry.length} bytes source, ${code.length} minified, ${gz} minified + gzip -9, ${br} minified + brotli 11 (loaded on demand)`);
  }
}
