// testTimeout is a global option, so a project sets its own here.
jest.setTimeout(150_000);
