// testTimeout is a global option, so the project sets its own here: a PGlite database takes
// seconds to open on a busy machine, and several tests open one (or two) before they assert.
jest.setTimeout(30_000);
