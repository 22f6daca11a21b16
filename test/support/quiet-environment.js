// The jest test environment of this project: node's, plus quiet output. What a test writes to stdout or stderr
// (tables, measurements, diagnostics) is held back and printed only when that test or hook fails; a passing run
// prints nothing but jest's summary. Jest's own console capture is untouched.
const { TestEnvironment } = require("jest-environment-node");

class QuietEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.held = [];
    this.originals = undefined;
    this.inTest = false;
    // What the streams' `write` was before any test ran, restored at teardown whatever happened in between: jest's
    // runtime re-runs every spy's restore at teardown (restoreAllMocks), so a test that spied on process.stdout.write
    // while a hold was active puts that hold's wrapper back, after the test's own mockRestore and our release.
    this.pristine = this.ownWrites();
  }

  streams() {
    // The sandbox's process object may hold its own stream objects: hold both theirs and this process's.
    const sandbox = this.global.process;
    return [...new Set([process.stdout, process.stderr, sandbox && sandbox.stdout, sandbox && sandbox.stderr].filter(Boolean))];
  }

  /** [stream, own write or undefined when inherited]: putting these back restores exactly what was there. */
  ownWrites() {
    return this.streams().map((stream) => [stream, Object.prototype.hasOwnProperty.call(stream, "write") ? stream.write : undefined]);
  }

  static restore(writes) {
    for (const [stream, own] of writes) {
      if (own === undefined) delete stream.write;
      else stream.write = own;
    }
  }

  hold() {
    if (this.originals) return;
    this.originals = this.ownWrites();
    for (const [stream] of this.originals) {
      const original = stream.write;
      stream.write = (chunk, encoding, callback) => {
        this.held.push([original, stream, chunk]);
        const done = typeof encoding === "function" ? encoding : callback;
        if (typeof done === "function") process.nextTick(done);
        return true;
      };
    }
  }

  release(print) {
    if (!this.originals) return;
    QuietEnvironment.restore(this.originals);
    this.originals = undefined;
    const held = this.held.splice(0);
    if (print) for (const [write, stream, chunk] of held) write.call(stream, chunk);
  }

  async handleTestEvent(event) {
    // A test's own beforeEach/afterEach hooks belong to the test: its errors decide (test_done).
    switch (event.name) {
      case "test_start":
        this.inTest = true;
        this.hold();
        break;
      case "hook_start":
        this.hold();
        break;
      case "test_done":
        this.inTest = false;
        this.release(event.test.errors.length > 0);
        break;
      case "test_skip":
      case "test_todo":
        this.inTest = false;
        this.release(false);
        break;
      case "hook_success":
        if (!this.inTest) this.release(false);
        break;
      case "hook_failure":
        if (!this.inTest) this.release(true);
        break;
      default:
        break;
    }
  }

  async teardown() {
    this.release(false);
    QuietEnvironment.restore(this.pristine);
    await super.teardown();
  }
}

module.exports = QuietEnvironment;
