/** Where a command writes: the process's streams when run as `vtgw`, strings in a test. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** A command's entry point. Exit codes: 0 done, 1 a finding (e.g. a broken chain), 2 bad usage. */
export type CliMain = (argv: string[], io: CliIo) => number | Promise<number>;

export const EXIT_OK = 0;
export const EXIT_FINDING = 1;
export const EXIT_USAGE = 2;

/** The first sentence of parseArgs' message: Node's run on with advice about positionals. */
export function parseArgsMessage(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('. ')[0] ?? '';
}
