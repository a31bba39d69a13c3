import { LocalFolders } from '../../../electron/core/localFolders/LocalFolders.ts';
import { serializeError } from '../../../shared/src/errors.ts';

/*
 * Run by LocalFolders.test.ts as an unprivileged user (root reads and writes every folder, so a
 * permission error cannot be seen as root): `list PATH` or `create PARENT NAME`, printing the
 * answer or the typed error as one JSON line.
 */
const [operation, path = '', name = ''] = process.argv.slice(2);
const folders = new LocalFolders({ remembered: async () => '' });
try {
  const answer = operation === 'list' ? await folders.list(path) : await folders.create(path, name);
  console.log(JSON.stringify({ answer }));
} catch (error) {
  console.log(JSON.stringify({ error: serializeError(error) }));
}
