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

/**
 * A run stopped from outside before its end: by a signal (Ctrl-C is SIGINT), or by its reader closing the output
 * (EPIPE, the signal SIGPIPE would deliver to a process that did not ignore it, as Node does). Mapped to
 * 128 + the signal's number, the code a shell reports for a process that signal ended (130 for Ctrl-C).
 */
export class Interrupted extends Error {
  constructor(
    readonly signal: 'SIGINT' | 'SIGTERM' | 'SIGPIPE',
    message = signal === 'SIGPIPE' ? 'the output closed (EPIPE)' : `interrupted (${signal})`,
  ) {
    super(message);
    this.name = 'Interrupted';
  }
}

export const EXIT = { ok: 0, checkFailed: 1, badInput: 2, internal: 3 } as const;
