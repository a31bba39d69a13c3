import { newTotpSecret } from '../api/totp.ts';
import type { Store } from '../store/Store.ts';
import { hashPassword } from '../store/password.ts';
import { DEMO_ENVIRONMENTS, DEMO_NODES, DEMO_USERS } from './demoData.ts';

/**
 * Adds whatever demo user, environment or node the store lacks, so a data folder kept from an
 * older sandbox gains the newer demo data too; existing records are left as they are. Returns
 * whether anything was added.
 */
export async function seedDemoData(store: Store): Promise<boolean> {
  const missing = [];
  for (const user of DEMO_USERS) if (!(await store.getUser(user.uid))) missing.push(user);
  // scrypt runs on libuv's thread pool: hashing the passwords at once takes the time of one.
  const hashes = await Promise.all(missing.map((user) => hashPassword(user.password)));
  for (const [index, user] of missing.entries()) {
    await store.createUser({
      uid: user.uid,
      login: user.login,
      name: user.name,
      email: user.email,
      passwordHash: hashes[index] ?? '',
    });
  }
  let added = missing.length > 0;
  for (const user of DEMO_USERS) {
    if (user.twoFactor && (await store.getTotpSecret(user.uid)) === null) {
      await store.setTotpSecret(user.uid, newTotpSecret());
    }
  }
  for (const env of DEMO_ENVIRONMENTS) {
    if (await store.getEnvironment(env.envName)) continue;
    await store.createEnvironment(env);
    added = true;
  }
  for (const { tcpForwarding: _t, database: _d, ...node } of DEMO_NODES) {
    if (await store.getNode(node.id)) continue;
    await store.createNode({ ...node, access: null });
    added = true;
  }
  return added;
}
