// A Node.js project of the kind that uses RxStreams, made in a temporary folder: `npm install <this repository>`
// (the package "rxstreams", from the root package.json) and `ws` (and the type packages a TypeScript user adds) from
// the npm registry. The tests import the client through it, so they see what such a project sees.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repositoryRoot, run } from "./processes.mjs";

/** What the project installs from the registry besides RxStreams, pinned. */
export const registryPackages = ["ws@8.23.1", "@types/ws@8.18.2", "@types/node@20.19.43"];

/**
 * Makes the project and installs into it. Returns `{ directory, client, remove }`: `client` is the module
 * `client.mjs` of the project (`export * from "rxstreams"` and ws's WebSocket class as `WebSocket`).
 */
export async function createConsumer() {
  const directory = mkdtempSync(join(tmpdir(), "rxstreams-node-"));
  const remove = () => rmSync(directory, { recursive: true, force: true });
  try {
    writeFileSync(join(directory, "package.json"), JSON.stringify({ name: "rxstreams-consumer", private: true, type: "module" }, null, 2));
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", repositoryRoot, ...registryPackages], { cwd: directory });
    writeFileSync(join(directory, "client.mjs"), 'export * from "rxstreams";\nexport { default as WebSocket } from "ws";\n');
    const client = await import(pathToFileURL(join(directory, "client.mjs")).href);
    return { directory, client, remove };
  } catch (e) {
    remove();
    throw e;
  }
}
