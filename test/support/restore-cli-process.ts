import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { run } from '../../src/cli/main.js';
import { fakeS3, keys } from './fake-restore-s3.js';

/**
 * `airgap <argv>` in a process of its own, against the fake S3 of fake-restore-s3.ts (client mock) holding
 * RESTORE_KEYS keys, each copy after the first two taking RESTORE_COPY_MS (the first two print at once): for the
 * tests that need a real process (a pipe whose reader goes away, signals). Run with `node --import tsx`.
 */
const copyMs = Number(process.env['RESTORE_COPY_MS'] ?? 0);
let copies = 0;
fakeS3(mockClient(S3Client), keys(Number(process.env['RESTORE_KEYS'])), [], {
  copy: () => new Promise((resolve) => setTimeout(resolve, ++copies > 2 ? copyMs : 0)),
});
process.env['AWS_ENDPOINT_URL'] = 'http://127.0.0.1:9'; // never reached: the mock answers every call
process.exitCode = await run(['node', 'airgap', ...process.argv.slice(2)]);
