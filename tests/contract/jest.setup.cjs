// testTimeout is a global option, so a project sets its own here. Each suite starts emulators that
// generate RSA keys; on a busy machine that alone can pass jest's 5-second default.
jest.setTimeout(60_000);
