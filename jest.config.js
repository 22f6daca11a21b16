/** @type {import('jest').Config} */
module.exports = {
  // Node's environment; output a passing test writes is dropped, a failing test's is printed (quiet-environment.js).
  testEnvironment: "<rootDir>/test/support/quiet-environment.js",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Offline by construction: no checkpoint calls, no `terraform version`, no connection beyond loopback.
  setupFiles: ["<rootDir>/test/setup-env.ts"],
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  // Type checking is `npm run typecheck` (tsc over the whole project), so jest only transpiles: ts-jest does
  // that per file when tsconfig.json sets `isolatedModules` (its replacement for the deprecated option here).
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  moduleFileExtensions: ["ts", "js", "json"],
  // Quiet: no line per passing file; failures in full, then the totals and the plain "jest: N passed, N failed" line.
  reporters: [["summary", { summaryThreshold: 0 }], "<rootDir>/test/support/summary-reporter.js"],
  clearMocks: true,
  // Both cores: many suites wait on sockets and timers (fake servers, timeouts), so two workers finish well before
  // one, and jest's default on a 2-core machine is a single worker (cores minus one).
  maxWorkers: 2,
  testTimeout: 30000,
};
