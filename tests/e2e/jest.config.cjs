// Browser tests: built bundles in Chromium; building the controls or starting the browser takes a while.
module.exports = require("../../jest.preset.cjs")(__dirname, { testTimeout: 180_000 });
