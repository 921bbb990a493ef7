// The reliability suite starts emulators, databases and relay processes; its files run one after
// another, each bounded to well under a minute of work.
module.exports = require("../../jest.preset.cjs")(__dirname, { setupFilesAfterEnv: ["<rootDir>/jest.setup.cjs"] });
