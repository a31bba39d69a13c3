// V8's compiled code for the command line's bundle and the packages it requires (ssh2 …), kept
// between runs, for Node versions without `module.enableCompileCache` (Node 20; 22.1 and later keep
// their own). Without it every run compiles the bundle's 600 KB and ssh2 again, and again each
// function as it is first called: about 50 ms of CPU in `ssh NODE -- true` (docs/cli.md).
//
// The cache is code this process will run, so it is trusted no further than the bundle itself:
// - it lives in a folder of this user's (the OS's per-user cache folder), made with mode 700;
// - a file that is not a regular file of this user's, or that others may write, is not read;
// - a file whose SHA-256 does not match its header (damaged, cut short) or that was made from
//   another bundle, another Node or another CPU architecture is ignored and replaced. V8 checks
//   its own version and flags, but only the length of the source, and no checksum in a release
//   build: the bundle's own SHA-256 is what ties a cache to it.
// Any failure to read or write it only costs the compile it would have saved.
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, sep } from 'node:path';
import vm from 'node:vm';

const MAGIC = Buffer.from('enscale-ssh v8 code cache 1\n');
const DIGEST = 32;
/** What a file holds after the magic: the source key, the body's SHA-256, then the body. */
const HEADER = MAGIC.length + 2 * DIGEST;
/** A cache records at most this many command words (there are fewer commands than this). */
const MAX_SEEN = 32;

const sha256 = (...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const ownUid = () => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** The per-user cache folder of the OS, in which the CLI keeps its compiled code. */
export function codeCacheDir(env = process.env, platform = process.platform, home = homedir()) {
  const absolute = (path) => (path && isAbsolute(path) ? path : undefined);
  if (platform === 'win32')
    return join(absolute(env.LOCALAPPDATA) ?? join(home, 'AppData', 'Local'), 'Enscale SSH', 'Cache', 'cli');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'Enscale SSH', 'cli');
  return join(absolute(env.XDG_CACHE_HOME) ?? join(home, '.cache'), 'enscale-ssh', 'cli');
}

/** The folder, created private when missing; undefined when it is not this user's own directory. */
function privateFolder(dir) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const info = lstatSync(dir);
  const uid = ownUid();
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) return undefined;
  return dir;
}

/**
 * A cache file's body when it is this user's, private, undamaged and made from `key`; else
 * undefined. Opened without following a link, and judged by what was opened (fstat), not by name.
 */
export function readCodeCache(file, key) {
  let fd;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    const uid = ownUid();
    if (!info.isFile() || (uid !== undefined && (info.uid !== uid || (info.mode & 0o022) !== 0)))
      return undefined;
    const data = readFileSync(fd);
    if (data.length < HEADER + 2 || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    if (!data.subarray(MAGIC.length, MAGIC.length + DIGEST).equals(key)) return undefined;
    const body = data.subarray(HEADER);
    if (!sha256(body).equals(data.subarray(MAGIC.length + DIGEST, HEADER))) return undefined;
    const seenLength = body.readUInt16BE(0);
    if (2 + seenLength > body.length) return undefined;
    const seen = body
      .subarray(2, 2 + seenLength)
      .toString('utf8')
      .split('\n')
      .filter(Boolean);
    return { seen, code: body.subarray(2 + seenLength) };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Writes a cache file whole or not at all: under a new private name, then renamed over the old. */
export function writeCodeCache(file, key, seen, code) {
  const words = Buffer.from(seen.join('\n'));
  const length = Buffer.alloc(2);
  length.writeUInt16BE(words.length);
  const body = Buffer.concat([length, words, code]);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    // `wx`: never through something already at that name (a link someone left there).
    writeFileSync(temporary, Buffer.concat([MAGIC, key, sha256(body), body]), { mode: 0o600, flag: 'wx' });
    renameSync(temporary, file);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // It was never made.
    }
    throw error;
  }
}

const WORD = /^[a-z][a-z-]{0,30}$/;
/** Code-cache files waiting to be written at exit, by file name. */
const pending = new Map();

/** Node's CommonJS wrapper around a module's text; a `#!` line is kept as a comment of its own length. */
const wrap = (text) =>
  `(function (exports, require, module, __filename, __dirname) { ${text.startsWith('#!') ? `//${text.slice(2)}` : text}\n});`;

/**
 * `text` compiled with the code kept in `file` when it is trustworthy for `key`. At exit the cache
 * is written when there was none, or when `word` names a command it has not seen: the code then
 * holds every function this run compiled, not only the top level.
 */
function compileCached(file, key, text, filename, word) {
  const cached = file ? readCodeCache(file, key) : undefined;
  const script = new vm.Script(wrap(text), { filename, ...(cached ? { cachedData: cached.code } : {}) });
  const valid = cached !== undefined && !script.cachedDataRejected;
  const known = valid ? cached.seen : [];
  const newWord = typeof word === 'string' && WORD.test(word) && !known.includes(word);
  if (file && (!valid || (newWord && known.length < MAX_SEEN))) {
    const seen = newWord ? [...known, word] : known;
    if (pending.size === 0)
      process.once('exit', () => {
        for (const write of pending.values()) write();
      });
    pending.set(file, () => {
      try {
        writeCodeCache(file, key, seen, script.createCachedData());
      } catch {
        // A cache that cannot be written costs the next run its compile, nothing else.
      }
    });
  }
  return { script, valid };
}

const versionKey = () => `${process.version} ${process.arch} ${process.versions.v8}\0`;

/**
 * From now on, CommonJS modules of packages (ssh2 and what it requires: 12 ms of CPU to compile in
 * every `ssh NODE -- true`, measured 2026-12-06) are compiled with their code kept in `folder`
 * too, one file per module, under the same rules as the bundle's. Node's loader does everything
 * else as always: this only replaces how a module's text becomes a function.
 */
function cachePackageModules(folder, word) {
  // Module.prototype._compile is Node's loader's own, not a documented interface: it is replaced
  // only on the Node line it was checked on (20; 22.1 and later cache by themselves), and only
  // when it is there, so another Node loads packages exactly as it always does.
  const compile = Module.prototype._compile;
  if (process.versions.node.split('.')[0] !== '20' || typeof compile !== 'function') return;
  const modules = privateFolder(join(folder, 'modules'));
  if (!modules) return;
  Module.prototype._compile = function (content, filename, format) {
    if (format === 'module' || !filename.includes(`${sep}node_modules${sep}`) || !/\.c?js$/.test(filename))
      return compile.call(this, content, filename, format);
    const name = createHash('sha256').update(filename).digest('hex').slice(0, 40);
    const key = sha256(versionKey(), filename, '\0', content);
    const { script } = compileCached(join(modules, `${name}.v8`), key, content, filename, word);
    const require = createRequire(filename);
    return script.runInThisContext()(this.exports, require, this, filename, dirname(filename));
  };
}

/**
 * Loads the CommonJS bundle as `require` would, with V8's code from the last run when there is a
 * trustworthy one (`used`), and caches the packages it requires the same way. `word` is the
 * command being run (`ssh`, `put` …): a run of a command the cache has not seen compiles functions
 * it lacks, so at exit it writes the cache again with them added.
 */
export function loadWithCodeCache(bundle, word, dir = codeCacheDir()) {
  const source = readFileSync(bundle);
  let folder;
  try {
    folder = privateFolder(dir);
    if (folder) cachePackageModules(folder, word);
  } catch {
    // Without its folder the cache is only not used.
  }
  const file = folder && join(folder, 'enscale-ssh.cjs.v8');
  const key = sha256(versionKey(), source);
  const { script, valid } = compileCached(file, key, source.toString('utf8'), bundle, word);
  const module = { exports: {}, id: bundle, filename: bundle, loaded: false, children: [], paths: [] };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  module.loaded = true;
  return { exports: module.exports, used: valid };
}
