module.exports = require("../jest.preset.cjs")(__dirname, { setupFilesAfterEnv: ["<rootDir>/jest.setup.cjs"] });
