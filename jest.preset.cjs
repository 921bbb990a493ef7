// Shared jest settings: every package is its own jest project, transpiled by ts-jest.
// Type checking is `tsc -b`'s job, so ts-jest only transpiles (fast on a 2-core machine).
const path = require("node:path");

/** @param {string} dir package folder  @param {object} overrides */
module.exports = function project(dir, overrides = {}) {
  return {
    displayName: path.basename(dir),
    rootDir: dir,
    testEnvironment: "node",
    transform: {
      "^.+\\.tsx?$": ["ts-jest", { tsconfig: path.join(dir, "tsconfig.json") }],
    },
    moduleFileExtensions: ["ts", "tsx", "js", "cjs", "json"],
    testMatch: ["<rootDir>/**/*.test.ts", "<rootDir>/**/*.test.tsx"],
    testPathIgnorePatterns: ["/node_modules/", "/out/", "/dist/"],
    ...overrides,
  };
};
