/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Offline by construction: no checkpoint calls, no `terraform version`, no connection beyond loopback.
  setupFiles: ["<rootDir>/test/setup-env.ts"],
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  // Type checking is `npm run typecheck` (tsc over the whole project), so jest only transpiles: ts-jest does
  // that per file when tsconfig.json sets `isolatedModules` (its replacement for the deprecated option here).
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  moduleFileExtensions: ["ts", "js", "json"],
  reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
  clearMocks: true,
  testTimeout: 30000,
};
