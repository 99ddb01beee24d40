/**
 * Replaces the text between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` with `sections[NAME]`,
 * keeping the markers. Throws when a section's markers are missing or appear more than once.
 */
export function withGeneratedSections(markdown: string, sections: Readonly<Record<string, string>>): string {
  let out = markdown;
  for (const [name, content] of Object.entries(sections)) {
    const start = `<!-- generated:${name} -->`;
    const end = `<!-- /generated:${name} -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from === -1 || to < from || out.indexOf(start, from + 1) !== -1 || out.indexOf(end, to + 1) !== -1) {
      throw new Error(`expected exactly one "${start}" followed by one "${end}"`);
    }
    out = `${out.slice(0, from + start.length)}\n\n${content}\n\n${out.slice(to)}`;
  }
  return out;
}
