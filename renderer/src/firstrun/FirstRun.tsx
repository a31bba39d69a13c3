import { useState } from 'react';
import { Heading } from 'react-aria-components';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import type { PlatformProfile } from '../../../shared/src/platform.ts';
import { KeyStep } from './KeyStep.tsx';
import { PlatformStep } from './PlatformStep.tsx';
import { SignInStep } from './SignInStep.tsx';
import { SyncStep } from './SyncStep.tsx';

export type FirstRunStep = 'platform' | 'signIn' | 'key' | 'sync';

const STEPS: { step: FirstRunStep; title: string }[] = [
  { step: 'platform', title: 'Choose platform' },
  { step: 'signIn', title: 'Sign in' },
  { step: 'key', title: 'Your SSH key' },
  { step: 'sync', title: 'Add it to the dashboard' },
];

/** Platform → sign in → key → dashboard: each step can fail with its reason and be retried. */
export function FirstRun(props: {
  profile: PlatformProfile | null;
  keys: KeyInfo[];
  start: FirstRunStep;
  notice?: string | undefined;
  onDone: () => void;
}) {
  const [step, setStep] = useState<FirstRunStep>(props.start);
  const [profile, setProfile] = useState(props.profile);
  const [key, setKey] = useState<KeyInfo>();
  const index = STEPS.findIndex((s) => s.step === step);

  return (
    <main className="first-run">
      <div className="first-run-card">
        <h1 className="brand">Enscale SSH</h1>
        <ol className="steps" aria-label="Setup steps">
          {STEPS.map((s, i) => (
            <li
              key={s.step}
              aria-current={i === index ? 'step' : undefined}
              className={i < index ? 'done' : ''}
            >
              {s.title}
            </li>
          ))}
        </ol>
        <Heading level={2}>{STEPS[index]?.title}</Heading>
        {step === 'platform' && (
          <PlatformStep
            current={profile}
            onDone={(p) => {
              setProfile(p);
              setStep('signIn');
            }}
          />
        )}
        {step === 'signIn' && profile && (
          <SignInStep
            profile={profile}
            notice={props.notice}
            onBack={() => setStep('platform')}
            onDone={() => setStep('key')}
          />
        )}
        {step === 'key' && (
          <KeyStep
            existing={props.keys}
            onDone={(k) => {
              setKey(k);
              setStep('sync');
            }}
          />
        )}
        {step === 'sync' && key && <SyncStep keyInfo={key} onDone={props.onDone} />}
      </div>
    </main>
  );
}
