// What `vtgw token` and `vtgw token rotate` share: strict flags, bad usage as `<command>: <problem> (--help for usage)`
// with exit 2, and the new token printed once beside the clients-file entry that holds its digest.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { EXIT_USAGE, parseArgsMessage, type CliIo } from './io.js';

/** A mistake in how the command was called. */
export class UsageError extends Error {}

/** The command's flags (no positionals, unknown flags refused); a parse error is a UsageError. */
export function tokenFlags<O extends ParseArgsOptionsConfig>(args: string[], options: O) {
  try {
    return parseArgs({ args, strict: true, allowPositionals: false, options }).values;
  } catch (err) {
    throw new UsageError(parseArgsMessage(err));
  }
}

/** Runs the command; its UsageError goes to stderr with exit 2, any other error on up. */
export function runTokenCommand(command: string, io: CliIo, run: () => number): number {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`${command}: ${err.message} (--help for usage)\n`);
    return EXIT_USAGE;
  }
}

/** The token on stdout's first line and its clients-file entry on the second; `handOver` (what to do now) on stderr. */
export function printNewToken(io: CliIo, token: string, entry: object, handOver: string): void {
  io.stdout.write(`${token}\n${JSON.stringify(entry)}\n`);
  io.stderr.write(`The token above is shown only this once: ${handOver}\n`);
}
