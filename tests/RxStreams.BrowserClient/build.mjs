// Builds the browser client as MapRxStreams serves it, into src/RxStreams.AspNetCore/Client/dist/ (checked in, so
// that neither building the library nor using its package needs Node):
//
//   npm run build        after changing anything under src/RxStreams.AspNetCore/Client/
//
// Each served module is bundled from its entry module (so the client can be split into several source modules and
// still be served as one file), minified, with an external source map that carries the readable sources. The server
// adds the source map's URL and compresses the files itself (docs/browser-client.md, "How it is served").
// build.test.mjs fails while the checked-in files are not what this script produces.
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const clientDirectory = new URL("../../src/RxStreams.AspNetCore/Client/", import.meta.url);
export const distDirectory = new URL("dist/", clientDirectory);

// The served modules: `name` is the URL ({pattern}/name.js) and the file in dist/; `entry` the source module it is
// bundled from. A new module needs a line here and one in src/RxStreams.AspNetCore/Client/BrowserClient.cs. A module
// that uses another served module imports it by its stable URL ("./client.js") and lists that in `external`, so it
// is not bundled in twice: the page then has one instance of it, however it imports it.
// The client loads peer.js itself (a dynamic import) only when peerToPeer is asked for: it stays out of client.js.
export const modules = [
  { name: "client", entry: "rxstreams.js", external: ["./peer.js"] },
  { name: "peer", entry: "peer.js" },
  { name: "model", entry: "rxstreams-model.js" },
];

/** Bundles one module in memory: `{ code, map }`, the bytes that go into dist/{name}.js and dist/{name}.js.map. */
export async function bundle(module) {
  const { name, entry } = module;
  const root = fileURLToPath(clientDirectory);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    // Beside the sources, so the map names them by their own file names ("rxstreams.js"), which the browser's
    // developer tools then show under the served folder (/rx/rxstreams.js).
    outfile: name + ".js",
    bundle: true,
    external: module.external ?? [],
    format: "esm",
    minify: true,
    sourcemap: "external",
    sourcesContent: true,
    legalComments: "none",
    charset: "ascii",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles.find((f) => f.path.endsWith(".js")).contents;
  const map = result.outputFiles.find((f) => f.path.endsWith(".js.map")).contents;
  return { code: Buffer.from(code), map: Buffer.from(map) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(distDirectory, { recursive: true });
  for (const module of modules) {
    const { code, map } = await bundle(module);
    writeFileSync(new URL(module.name + ".js", distDirectory), code);
    writeFileSync(new URL(module.name + ".js.map", distDirectory), map);
    console.log(`dist/${module.name}.js: ${code.length} bytes, dist/${module.name}.js.map: ${map.length} bytes`);
  }
}
