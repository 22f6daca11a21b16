// Prints one plain closing line, "jest: N passed, N failed[, N skipped]", that CI tooling reads
// (jest's own "Tests: 3 passed, 3 total" line is not in that form).
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const suiteFailures = results.numRuntimeErrorTestSuites;
    const failed = results.numFailedTests + suiteFailures;
    const line = `\njest: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`;
    // Straight to the file descriptor, synchronously: a line written with process.stdout.write at the very end of an
    // in-band run (2 cores: one worker = in band) was seen lost after test/genesys-client.test.ts. A non-blocking
    // pipe that is full (EAGAIN) falls back to the stream.
    try {
      require("node:fs").writeSync(1, line);
    } catch {
      process.stdout.write(line);
    }
  }
}
module.exports = SummaryReporter;
