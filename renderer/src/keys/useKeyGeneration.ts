import { useState } from 'react';
import type { KeyInfo, RsaBits } from '../../../shared/src/keys.ts';
import { useCore } from '../host/HostContext.tsx';
import { useAction, type ActionOptions } from '../ui/useAction.ts';

/** The name a new key gets unless the user gives one. */
export const defaultKeyName = (): string => `Enscale SSH ${new Date().toISOString().slice(0, 10)}`;

/**
 * A new RSA key's name and size and the core call that makes it, for the first-run key step and the
 * Keys page's Generate dialog. The private half stays in the core; `onDone` gets the public facts.
 */
export function useKeyGeneration(onDone: (key: KeyInfo) => void, options?: ActionOptions) {
  const core = useCore();
  const [name, setName] = useState(defaultKeyName);
  const [bits, setBits] = useState<RsaBits>(4096);
  const { busy, error, run } = useAction(options);
  const generate = () =>
    run(async () => onDone(await core.keys.generate({ name: name.trim() || defaultKeyName(), bits })));
  return { name, setName, bits, setBits, busy, error, generate };
}
