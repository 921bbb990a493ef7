#!/usr/bin/env node
// Runs the TypeScript CLI directly: the relay ships its sources and tsx compiles them on load.
require("tsx/cjs");
const { runCli } = require("../src/cli/index.ts");

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
