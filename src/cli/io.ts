import { parseArgs, type ParseArgsConfig } from 'node:util';

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

/** Bad usage: the problem, then the command's usage, on stderr; exit 2. */
export function usageFailure(io: CliIo, usage: string, message: string): number {
  io.stderr.write(`${message}\n${usage}\n`);
  return EXIT_USAGE;
}

/**
 * parseArgs as the audit commands share it: a parse error is bad usage, `--help` (an option of every such command)
 * prints the usage and exits 0; both give the exit code instead of the parsed arguments.
 */
export function parseCommand<T extends ParseArgsConfig>(config: T, usage: string, io: CliIo): ReturnType<typeof parseArgs<T>> | number {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    return usageFailure(io, usage, parseArgsMessage(err));
  }
  const values: Record<string, unknown> = parsed.values;
  if (values.help === true) {
    io.stdout.write(`${usage}\n`);
    return EXIT_OK;
  }
  return parsed;
}
