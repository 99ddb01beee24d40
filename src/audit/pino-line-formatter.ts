import { pino, type Logger } from 'pino';

/**
 * Serialises audit lines with pino into a string rather than a stream, so that the audit log knows a line's size
 * before it picks the file (size rotation) and writes it through pino's synchronous destination itself.
 */
export class PinoLineFormatter {
  private line = '';
  private readonly logger: Logger;

  constructor() {
    this.logger = pino(
      // No pid, hostname, pino time or level: a line holds exactly the fields that its hash covers.
      { base: null, timestamp: false, formatters: { level: () => ({}) } },
      {
        write: (s: string) => {
          this.line = s;
        },
      },
    );
  }

  /** One JSON line, newline-terminated. */
  format(record: object): string {
    this.line = '';
    this.logger.info(record);
    // Without a level pino 10 opens the object with "{," (its level prefix is empty); drop the stray comma.
    return this.line.startsWith('{,') ? `{${this.line.slice(2)}` : this.line;
  }
}
