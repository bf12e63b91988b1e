import { execFileSync } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InputError } from '../errors.js';

export const MOTO_INSTALL_HINT =
  'moto_server is not on the PATH: install it with `pip install "moto[server]"`';

/**
 * On every request moto's dispatcher asks whether the host names one of its service packages by listing moto's
 * install folder and stat-ing each of its ~180 entries (`moto.backends.list_of_moto_modules`, moto 5.2), about a
 * fifth of moto's CPU per small S3 request (profiled: bench/RESULTS.md, restore, moto7). The folder does not change
 * while the server runs, so it is listed once; nothing moto answers changes. A moto without that function runs
 * unchanged.
 */
export const MOTO_MODULES_ONCE = [
  'import moto.backends as backends',
  "if callable(getattr(backends, 'list_of_moto_modules', None)):",
  '    modules = tuple(backends.list_of_moto_modules())',
  '    backends.list_of_moto_modules = lambda: modules',
].join('\n');

/**
 * moto's ListObjectVersions deep-copies every version of the bucket before it pages (moto 5.2,
 * `S3Backend.list_object_versions`), so that it can mark the copies latest: the copy of a key reads its bytes and
 * writes them to a new temporary file (a spooled file, on disk above 5 MiB), per version and per page. A listing
 * answers names, version ids, dates, ETags and sizes, none of them from the bytes; AWS lists 1,000 versions per
 * request whatever their size. So each version is copied without its bytes: a FakeKey holding the key's attributes
 * (its ETag computed first, as the copy would have) and no buffer, which no listing reads and whose disposal
 * closes nothing of the key's; a delete marker is copied shallow. Applied only where moto's module has that one
 * deep copy (its only one); another moto runs unchanged.
 */
export const MOTO_LISTS_VERSIONS_WITHOUT_BYTES = [
  'import copy, inspect, types',
  'import moto.s3.models as s3m',
  'def _listed(version):',
  '    if not isinstance(version, s3m.FakeKey):',
  '        return copy.copy(version)',
  '    version.etag',
  '    view = s3m.FakeKey.__new__(s3m.FakeKey)',
  "    view.__dict__.update({k: v for k, v in version.__dict__.items() if k not in ('_value_buffer', 'lock', 'multipart')})",
  '    view.disposed = True',
  '    return view',
  'if inspect.getsource(s3m).count("copy.deepcopy(") == 1 and "copy.deepcopy(version_key)" in inspect.getsource(s3m.S3Backend.list_object_versions):',
  '    s3m.copy = types.SimpleNamespace(copy=copy.copy, deepcopy=lambda versions: [_listed(v) for v in versions])',
].join('\n');

/** moto_server's own `main`, after MOTO_MODULES_ONCE and MOTO_LISTS_VERSIONS_WITHOUT_BYTES. */
const MOTO_LAUNCHER = [
  'import sys',
  MOTO_MODULES_ONCE,
  MOTO_LISTS_VERSIONS_WITHOUT_BYTES,
  'from moto.server import main',
  "sys.argv[0] = 'moto_server'",
  'sys.exit(main())',
].join('\n');

// Prints the interpreter's own path when it has moto and its server's web framework, else exits non-zero.
const PROBE =
  "import importlib.util as u, sys\nif not (u.find_spec('moto') and u.find_spec('flask')): sys.exit(1)\nprint(sys.executable)";

let resolved: string[] | undefined;

/**
 * How to start moto_server: MOTO_LAUNCHER run by the Python that moto_server's script names (`#!/…/python`; for
 * shims such as pyenv's, `python3`, which resolves to the same Python), else `moto_server` itself. Resolved once
 * per process; throws the install hint when neither runs.
 */
export function motoCommand(): string[] {
  resolved ??= resolve();
  return resolved;
}

function resolve(): string[] {
  const script = onPath('moto_server');
  const shebang = script && /^#!\s*(?:\S*\/env\s+)?(\S*python[\d.]*)\s*$/.exec(firstLine(script));
  try {
    const python = execFileSync(shebang?.[1] ?? 'python3', ['-c', PROBE], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (python) return [python, '-c', MOTO_LAUNCHER];
  } catch {
    // no such Python, or moto is not in it: moto_server as installed, if it runs
  }
  try {
    execFileSync('moto_server', ['--help'], { stdio: 'ignore' });
    return ['moto_server'];
  } catch {
    throw new InputError([MOTO_INSTALL_HINT]);
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function firstLine(file: string): string {
  const buffer = Buffer.alloc(512);
  const fd = openSync(file, 'r');
  try {
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('utf8', 0, n).split('\n', 1)[0] ?? '';
  } finally {
    closeSync(fd);
  }
}
