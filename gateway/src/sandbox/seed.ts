import type { Store } from '../store/Store.ts';
import { hashPassword } from '../store/password.ts';
import { DEMO_ENVIRONMENTS, DEMO_NODES, DEMO_USERS } from './demoData.ts';

/** Fills an empty store with the demo users, environments and nodes. Returns false if it had data. */
export async function seedDemoData(store: Store): Promise<boolean> {
  if (await store.getUser(DEMO_USERS[0]?.uid ?? 0)) return false;
  const hashes = await Promise.all(DEMO_USERS.map((user) => hashPassword(user.password)));
  for (const [index, user] of DEMO_USERS.entries()) {
    await store.createUser({
      uid: user.uid,
      login: user.login,
      name: user.name,
      email: user.email,
      passwordHash: hashes[index] ?? '',
    });
  }
  for (const env of DEMO_ENVIRONMENTS) await store.createEnvironment(env);
  for (const { tcpForwarding: _t, database: _d, ...node } of DEMO_NODES)
    await store.createNode({ ...node, access: null });
  return true;
}
