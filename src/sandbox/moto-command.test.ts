import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MOTO_MODULES_ONCE, motoCommand } from './moto-command.js';

describe('how the sandbox starts moto', () => {
  it('runs moto_server through its own Python when that Python has moto (moto)', () => {
    const [python, flag, launcher] = motoCommand();
    expect(flag).toBe('-c');
    expect(launcher).toContain(MOTO_MODULES_ONCE);
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
});
