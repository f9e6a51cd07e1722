// The built client checked in under src/RxStreams.AspNetCore/Client/dist/ is what build.mjs makes of the sources
// now: the server serves those bytes, so a change to the client that was not rebuilt would never reach a browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { bundle, modules, distDirectory } from "./build.mjs";

for (const module of modules) {
  test(`dist/${module.name}.js and its source map are current (run \`npm run build\` if not)`, async () => {
    const { code, map } = await bundle(module);
    for (const [file, built] of [[module.name + ".js", code], [module.name + ".js.map", map]]) {
      const path = new URL(file, distDirectory);
      assert.ok(existsSync(path), `src/RxStreams.AspNetCore/Client/dist/${file} is missing: run \`npm run build\` in tests/RxStreams.BrowserClient`);
      assert.ok(built.equals(readFileSync(path)),
        `src/RxStreams.AspNetCore/Client/dist/${file} is not what the sources build to: run \`npm run build\` in tests/RxStreams.BrowserClient and commit the result`);
    }
  });

  test(`dist/${module.name}.js is self-contained and its map carries the readable sources`, () => {
    const code = readFileSync(new URL(module.name + ".js", distDirectory), "utf8");
    // A bundle imports nothing but the served modules its entry lists in `external` (build.mjs): none for the client.
    const external = module.external ?? [];
    const imports = [...code.matchAll(/(?:^|[;}\n])\s*import\s*(?:[\w$\s{},*]*?from\s*)?["']([^"']+)["']/g)].map((m) => m[1]);
    assert.deepEqual(imports.filter((i) => !external.includes(i)), [], "a bundle imports only the served modules it lists in `external`");
    assert.doesNotMatch(code, /\brequire\(|process\.env/);
    assert.doesNotMatch(code, /sourceMappingURL/, "the server adds the map's fingerprinted URL itself");
    const map = JSON.parse(readFileSync(new URL(module.name + ".js.map", distDirectory), "utf8"));
    assert.equal(map.version, 3);
    assert.ok(map.sources.includes(module.entry), `the map names ${module.entry}`);
    const entry = readFileSync(new URL("../" + module.entry, distDirectory), "utf8");
    assert.equal(map.sourcesContent[map.sources.indexOf(module.entry)], entry, "the map carries the readable source");
  });
}
