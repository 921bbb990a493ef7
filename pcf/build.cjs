// Production build of every control (each folder holding a ControlManifest.Input.xml) with
// pcf-scripts, into out/controls/<Control>/. Fails unless every control produced its bundle.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const outDir = path.join(__dirname, "out", "controls");
const controls = fs
  .readdirSync(__dirname, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(__dirname, entry.name, "ControlManifest.Input.xml")))
  .map((entry) => entry.name);

const started = Date.now();
const build = spawnSync(process.execPath, [require.resolve("pcf-scripts/bin/pcf-scripts.js"), "build", "--buildMode", "production"], {
  cwd: __dirname,
  stdio: "inherit",
  env: { ...process.env, PP_TOOLS_TELEMETRY_OPTOUT: "true" },
});
if (build.status !== 0) process.exit(build.status ?? 1);

// A bundle older than this build is left over from an earlier one.
const fresh = (file) => fs.existsSync(file) && fs.statSync(file).mtimeMs >= started - 1000;
const missing = controls.filter((control) => !fresh(path.join(outDir, control, "bundle.js")));
if (missing.length > 0) {
  console.error(`pcf-scripts did not produce a bundle for: ${missing.join(", ")}`);
  process.exit(1);
}
console.log(`Built ${controls.length} controls into ${path.relative(process.cwd(), outDir) || outDir}: ${controls.join(", ")}`);
