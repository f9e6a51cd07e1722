// rxstreams.d.ts type-checks against an application's use of the whole API (types/usage.ts), and refuses the
// mistakes marked @ts-expect-error there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

test("rxstreams.d.ts: tsc --noEmit on types/usage.ts", () => {
  const tsc = fileURLToPath(new URL("./node_modules/typescript/bin/tsc", import.meta.url));
  const project = fileURLToPath(new URL("./types", import.meta.url));
  try {
    execFileSync(process.execPath, [tsc, "-p", project], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc reported errors:\n${e.stdout}${e.stderr}`);
  }
});
