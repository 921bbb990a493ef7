// One jest project per package (core, emulators, relay, pcf, webresources, scripts) plus each
// cross-package suite under tests/ (contract, integration, e2e, reliability).
const fs = require("node:fs");
const path = require("node:path");

const packages = ["core", "emulators", "relay", "pcf", "webresources", "scripts"];
const suites = fs.existsSync(path.join(__dirname, "tests"))
  ? fs.readdirSync(path.join(__dirname, "tests")).map((d) => `tests/${d}`)
  : [];

module.exports = {
  projects: [...packages, ...suites]
    .filter((dir) => fs.existsSync(path.join(__dirname, dir, "jest.config.cjs")))
    .map((dir) => `<rootDir>/${dir}/jest.config.cjs`),
  reporters: ["default", "<rootDir>/scripts/jest-summary-reporter.cjs"],
  // Browser, emulator and database handles are closed by each suite; a stray keep-alive socket must not hold CI.
  forceExit: true,
  // Most suites wait on sockets, timers and databases rather than the CPU: two workers halve the run on two cores.
  maxWorkers: 2,
};
