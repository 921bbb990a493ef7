// Prints the run's totals as the very last line, e.g. "412 passed, 0 failed, 3 skipped",
// so a reader (or CI) sees the outcome without scrolling through suite output.
const fs = require("node:fs");

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A suite that fails to load has no failed *tests*; count it so the line never reads green by mistake.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : "");
    // jest's own summary is written after custom reporters run, so print on exit to stay last.
    process.once("exit", () => fs.writeSync(1, `\n${line}\n`));
  }
}
module.exports = SummaryReporter;
