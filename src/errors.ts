/**
 * The project's two kinds of failure, mapped to exit codes in one place (cli/main.ts):
 * bad input changes nothing and exits 2; a check that ran and found a problem exits 1.
 */
export class InputError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'InputError';
  }
}

/** A check ran to completion and failed (proof red, vault incomplete, drill attack succeeded, audit drift). */
export class CheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

export const EXIT = { ok: 0, checkFailed: 1, badInput: 2, internal: 3 } as const;
