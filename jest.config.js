/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  // Type checking is `npm run typecheck` (tsc over the whole project), so jest only transpiles.
  transform: { "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }] },
  moduleFileExtensions: ["ts", "js", "json"],
  reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
  clearMocks: true,
  testTimeout: 30000,
};
