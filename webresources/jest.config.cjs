// Handlers run against xrm-mock in Node (global fetch reaches the fake relay on 127.0.0.1).
// `src/lazyImport.ts` imports ES-module web resources by URL in the browser; under jest the fake in
// test/fakes serves the same modules from source.
module.exports = require("../jest.preset.cjs")(__dirname, {
  moduleNameMapper: { "^\\.\\./lazyImport$": "<rootDir>/test/fakes/webResourceImport.ts" },
});
