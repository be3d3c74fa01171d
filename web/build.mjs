// Bundle the studio page into the Python package: `npm ci && npm run build`.
// The output (minified JavaScript and the licences of what it bundles) is committed, so a
// user of `pip install 'cxjourney[studio]'` needs no Node.
import { build } from "esbuild";
import { readFileSync, writeFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const out = "../cxjourney/studio/static";

const result = await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  outfile: `${out}/studio.js`,
  metafile: true,
  logLevel: "warning",
});

// The licence of every package whose code is in the bundle.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) packages.add(match[1]);
}
const notices = ["The studio's studio.js bundles these packages from the npm registry.", ""];
for (const name of [...packages].sort()) {
  const folder = join("node_modules", name);
  const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const file = readdirSync(folder).find((f) => /^licen[cs]e/i.test(f));
  notices.push("=".repeat(78), `${name} ${meta.version} (${meta.license})`, "=".repeat(78));
  notices.push(file && existsSync(join(folder, file)) ? readFileSync(join(folder, file), "utf8").trim() : `License: ${meta.license}`, "");
}
writeFileSync(`${out}/LICENSES.txt`, notices.join("\n") + "\n");
console.log(`bundled ${packages.size} packages into ${out}/studio.js`);
