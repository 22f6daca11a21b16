// A jest reporter for measuring the suite, not used by `npm test`: the CPU time (user + system, this process) and
// the wall time of each test file, costliest first, then the totals. CPU is the measure to compare on a shared
// machine (wall times move with other load). Only meaningful in band, where the tests run in this process:
//   npx jest -i --reporters test/support/cpu-reporter.js [files]
// It does not count child processes a test spawns (the CLI start tests, the workflow steps).
class CpuReporter {
  constructor() {
    this.started = new Map();
    this.rows = [];
  }

  onTestFileStart(test) {
    this.started.set(test.path, [process.cpuUsage(), Date.now()]);
  }

  onTestFileResult(test) {
    const [cpu, wall] = this.started.get(test.path);
    const used = process.cpuUsage(cpu);
    this.rows.push({ file: test.path.slice(test.context.config.rootDir.length + 1), cpu: (used.user + used.system) / 1e6, wall: (Date.now() - wall) / 1000 });
  }

  onRunComplete() {
    const rows = this.rows.sort((a, b) => b.cpu - a.cpu);
    const line = (cpu, wall, name) => `${cpu.toFixed(2).padStart(7)} s cpu ${wall.toFixed(2).padStart(7)} s wall  ${name}\n`;
    let out = "\n";
    for (const r of rows) out += line(r.cpu, r.wall, r.file);
    out += line(rows.reduce((s, r) => s + r.cpu, 0), rows.reduce((s, r) => s + r.wall, 0), `all ${rows.length} files`);
    process.stderr.write(out);
  }
}
module.exports = CpuReporter;
