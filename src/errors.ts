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

/** An error as one line: its name (when it has one of its own, as AWS's errors do) and message. */
export function errorLine(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const status = notAnAwsAnswer(e);
  if (status !== undefined)
    return `the endpoint answered HTTP ${status} with no AWS response: it does not serve this API`;
  return e.name === 'Error' || e instanceof Interrupted ? e.message : `${e.name}: ${e.message}`;
}

/**
 * The HTTP status of a request the SDK sent (it sets `$metadata` on every error of one) whose answer it could not
 * read as AWS's (no `$fault`): an endpoint that does not serve the API, such as moto's HTML 404 page.
 */
function notAnAwsAnswer(e: Error): number | undefined {
  if ('$fault' in e || !('$metadata' in e)) return undefined;
  return e.name === 'SyntaxError'
    ? (e as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode
    : undefined;
}

/**
 * A run that AWS stopped, not the project: AWS refused a request (a service error: it carries `$fault`), the SDK
 * found no credentials, or the endpoint could not be reached. Its one line says what to fix; a stack trace would
 * point into the SDK and say nothing more.
 */
export function fromAws(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if ('$fault' in e || e.name === 'CredentialsProviderError' || notAnAwsAnswer(e) !== undefined) return true;
  const code = (e as NodeJS.ErrnoException).code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);
