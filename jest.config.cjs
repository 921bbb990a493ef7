// One jest project per package (core, emulators, relay, pcf, webresources) plus each
// cross-package suite under tests/ (contract, integration, e2e, reliability).
module.exports = {
  projects: ["<rootDir>/*/jest.config.cjs", "<rootDir>/tests/*/jest.config.cjs"],
  reporters: ["default", "<rootDir>/scripts/jest-summary-reporter.cjs"],
};
