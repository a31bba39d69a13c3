#!/usr/bin/env node
// The "editor" of the edit tests, set as Settings → Editor: `node testEditor.mjs SAVES CONTROL` and the
// app appends the file's path. It does what a person at an editor does, when the test says so: for
// each save n, it waits for CONTROL/go-n, appends a line and saves — odd saves as most editors do
// (a temporary file beside the copy, renamed over it), even saves in place — then writes the SHA-256
// of what it saved to CONTROL/saved-n. After the last save it waits for CONTROL/quit and exits 0,
// as `code --wait` does when its tab is closed. It writes CONTROL/started (the path it was given)
// first, and CONTROL/ended when it exits.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const [savesArg, control, file] = process.argv.slice(2);
const saves = Number(savesArg);
if (!Number.isInteger(saves) || !control || !file) {
  process.stderr.write('usage: testEditor.mjs SAVES CONTROL_FOLDER FILE\n');
  process.exit(2);
}

/** Writes a control file whole: the test never reads a half-written one. */
const report = (name, text) => {
  writeFileSync(join(control, `.${name}.tmp`), text);
  renameSync(join(control, `.${name}.tmp`), join(control, name));
};
const waitFor = async (name) => {
  while (!existsSync(join(control, name))) {
    // The test is over and took its folder with it: nobody will say go or quit, so it ends here
    // rather than poll for ever (a CI run left one behind, waiting for go-1, after its test ended).
    if (!existsSync(control)) process.exit(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

report('started', file);
for (let n = 1; n <= saves; n++) {
  await waitFor(`go-${n}`);
  const text = `${readFileSync(file, 'utf8')}edit ${n} by the test editor\n`;
  if (n % 2 === 1) {
    const temporary = join(dirname(file), `.${basename(file)}.save-${n}`);
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } else {
    writeFileSync(file, text);
  }
  report(`saved-${n}`, createHash('sha256').update(text).digest('hex'));
}
await waitFor('quit');
report('ended', 'yes');
