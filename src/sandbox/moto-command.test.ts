import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MOTO_LISTS_VERSIONS_WITHOUT_BYTES, MOTO_MODULES_ONCE, motoCommand } from './moto-command.js';

describe('how the sandbox starts moto', () => {
  it('runs moto_server through its own Python when that Python has moto (moto)', () => {
    const [python, flag, launcher] = motoCommand();
    expect(flag).toBe('-c');
    expect(launcher).toContain(MOTO_MODULES_ONCE);
    expect(launcher).toContain(MOTO_LISTS_VERSIONS_WITHOUT_BYTES);
    expect(execFileSync(python!, ['-c', 'import moto; print(moto.__name__)'], { encoding: 'utf8' })).toBe(
      'moto\n',
    );
  });

  it('routes requests with moto’s package list read once, without touching the file system again (moto)', () => {
    const [python] = motoCommand();
    const check = [
      'import moto.backends as backends',
      'before = list(backends.list_of_moto_modules())',
      MOTO_MODULES_ONCE,
      'import os',
      'os.listdir = os.path.isdir = None',
      "print('s3' in backends.list_of_moto_modules(), list(backends.list_of_moto_modules()) == before, len(before))",
    ].join('\n');
    const out = execFileSync(python!, ['-c', check], { encoding: 'utf8' }).trim().split(' ');
    expect(out.slice(0, 2)).toEqual(['True', 'True']);
    expect(Number(out[2])).toBeGreaterThan(100);
  });

  it('lists versions without copying their bytes, and the listing and every version are as before (moto)', () => {
    const [python] = motoCommand();
    // In moto's own process (mock_aws), so that a deep copy of a key can be caught: it would call __getstate__.
    const check = [
      'import gc, hashlib, json, boto3',
      'from moto import mock_aws',
      MOTO_LISTS_VERSIONS_WITHOUT_BYTES,
      "big = bytes(range(256)) * (24 * 1024)  # 6 MiB: past moto's spooled buffer, on disk",
      'with mock_aws():',
      "    s3 = boto3.client('s3', region_name='us-east-1')",
      "    s3.create_bucket(Bucket='bucket')",
      "    s3.put_bucket_versioning(Bucket='bucket', VersioningConfiguration={'Status': 'Enabled'})",
      "    first = s3.put_object(Bucket='bucket', Key='k', Body=big)['VersionId']",
      "    second = s3.put_object(Bucket='bucket', Key='k', Body=b'second')['VersionId']",
      "    s3.put_object(Bucket='bucket', Key='gone', Body=b'g')",
      "    marker = s3.delete_object(Bucket='bucket', Key='gone')['VersionId']",
      '    def copied(self): raise AssertionError("a listed version was deep-copied")',
      '    s3m.FakeKey.__getstate__ = copied',
      '    pages = []',
      '    for _ in range(2):',
      "        out = s3.list_object_versions(Bucket='bucket')",
      "        pages.append(([(v['Key'], v['VersionId'], v['IsLatest'], v['Size'], v['ETag']) for v in out['Versions']], [(m['Key'], m['VersionId'], m['IsLatest']) for m in out['DeleteMarkers']]))",
      '        gc.collect()',
      "    bodies = [s3.get_object(Bucket='bucket', Key='k', VersionId=v)['Body'].read() for v in (first, second)]",
      "    print(json.dumps({'same': pages[0] == pages[1], 'versions': pages[0][0], 'markers': pages[0][1], 'first': first, 'second': second, 'marker': marker,",
      "        'bodies': [b == big for b in bodies[:1]] + [bodies[1].decode()], 'md5': chr(34) + hashlib.md5(big).hexdigest() + chr(34)}))",
    ].join('\n');
    const out = JSON.parse(execFileSync(python!, ['-c', check], { encoding: 'utf8' })) as {
      same: boolean;
      versions: [string, string, boolean, number, string][];
      markers: [string, string, boolean][];
      first: string;
      second: string;
      marker: string;
      bodies: [boolean, string];
      md5: string;
    };
    expect(out.same).toBe(true);
    const k = out.versions.filter(([key]) => key === 'k');
    expect(k.map(([, id, latest, size]) => [id, latest, size])).toEqual([
      [out.second, true, 6],
      [out.first, false, 6 * 1024 * 1024],
    ]);
    expect(k[1]![4]).toBe(out.md5);
    expect(out.versions.find(([key]) => key === 'gone')?.[2]).toBe(false);
    expect(out.markers).toEqual([['gone', out.marker, true]]);
    expect(out.bodies).toEqual([true, 'second']);
  });
});
