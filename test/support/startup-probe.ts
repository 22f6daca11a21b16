/**
 * CLI start tests (issue #13): loads a script in a fresh module registry and records which of the given heavy
 * modules (SDKs) get loaded, so a test can assert that `--help` and usage errors load none of them.
 */
export type CliMain = (argv: readonly string[], deps?: Record<string, unknown>) => Promise<number>;

/** `require(script).main` in an isolated registry; `loaded` fills with every name of `heavy` that is required. */
export function loadRecordingHeavy(script: string, heavy: readonly string[]): { main: CliMain; loaded: string[] } {
  const loaded: string[] = [];
  let main: CliMain | undefined;
  jest.isolateModules(() => {
    for (const name of heavy) {
      jest.doMock(name, () => {
        loaded.push(name);
        return jest.requireActual(name);
      });
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    main = (require(script) as { main: CliMain }).main;
  });
  return { main: main as CliMain, loaded };
}
