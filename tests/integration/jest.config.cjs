// Integration suites start emulators, a database and the job queue: minutes, not seconds.
module.exports = require("../../jest.preset.cjs")(__dirname, { setupFilesAfterEnv: ["<rootDir>/jest.setup.cjs"] });
