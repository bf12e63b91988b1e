import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { errorLine, fromAws, Interrupted } from './errors.js';

describe('errors from AWS, as one line', () => {
  it('tells what AWS stopped (a service error, no credentials, an endpoint not reached) from a defect', () => {
    const refused = new S3ServiceException({
      name: 'AccessDenied',
      message: 'Access Denied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
    });
    const unreachable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED',
    });
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect([refused, unreachable, noCredentials].map(fromAws)).toEqual([true, true, true]);
    const defects = [new TypeError('x is not a function'), new Error('plain'), 'a string', undefined];
    expect(defects.map(fromAws)).toEqual([false, false, false, false]);
  });

  it('names an error by its own name, not by Error, and an interruption by its message alone', () => {
    expect(
      errorLine(
        new S3ServiceException({ name: 'SlowDown', message: 'Reduce', $fault: 'server', $metadata: {} }),
      ),
    ).toBe('SlowDown: Reduce');
    expect(errorLine(new Error('plain'))).toBe('plain');
    expect(errorLine(new Interrupted('SIGINT'))).toBe('interrupted (SIGINT)');
    expect(errorLine(42)).toBe('42');
  });

  it('says an endpoint that answered something other than AWS (moto’s HTML 404 for an API it lacks) does not serve the API', () => {
    // As the SDK throws it: its JSON parser's SyntaxError, with the request's metadata and no fault.
    const html = Object.assign(new SyntaxError(`Unexpected token '<', "<!doctype "... is not valid JSON`), {
      $metadata: { httpStatusCode: 404, attempts: 1 },
    });
    expect(errorLine(html)).toBe(
      'the endpoint answered HTTP 404 with no AWS response: it does not serve this API',
    );
    expect(fromAws(html)).toBe(true);
    expect(fromAws(new SyntaxError('a defect of ours'))).toBe(false);
  });
});
