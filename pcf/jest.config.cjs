// The controls render React into a DOM, so their tests run in jsdom.
module.exports = require("../jest.preset.cjs")(__dirname, {
  testEnvironment: "jsdom",
  setupFilesAfterEnv: ["<rootDir>/jest.setup.ts"],
});
