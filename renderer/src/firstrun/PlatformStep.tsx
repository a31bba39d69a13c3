import { useEffect, useState } from 'react';
import { Button, Form, Label, Radio, RadioGroup, Text } from 'react-aria-components';
import { checkedApiUrl } from '../../../shared/src/apiMethods.ts';
import { checkedGatewayHost } from '../../../shared/src/gatewayAddress.ts';
import type { PlatformProfile } from '../../../shared/src/platform.ts';
import { errorMessage } from '../ui/errorMessage.ts';
import { useCore } from '../host/HostContext.tsx';
import { Field, InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';

const CUSTOM = 'custom';

/** The core's own check of a typed address, as a field's message (the core checks again). */
const problemWith =
  (check: (text: string) => unknown) =>
  (text: string): string | null => {
    try {
      check(text);
      return null;
    } catch (error) {
      return errorMessage(error);
    }
  };

/** Step 1: which platform — the embedded sandbox (when the host runs one), Enscale, or a custom one. */
export function PlatformStep(props: {
  current: PlatformProfile | null;
  onDone: (profile: PlatformProfile) => void;
}) {
  const core = useCore();
  const [presets, setPresets] = useState<PlatformProfile[] | null>(null);
  const [choice, setChoice] = useState<string>(props.current?.kind ?? '');
  const [apiUrl, setApiUrl] = useState(props.current?.kind === CUSTOM ? props.current.apiUrl : 'https://');
  const [gatewayHost, setGatewayHost] = useState(
    props.current?.kind === CUSTOM ? props.current.gateway.host : '',
  );
  const [gatewayPort, setGatewayPort] = useState(
    props.current?.kind === CUSTOM ? String(props.current.gateway.port) : '3022',
  );
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    core.platform.presets().then(
      (list) => {
        setPresets(list);
        setChoice((c) => c || list[0]?.kind || CUSTOM);
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  }, [core, setError]);

  const submit = async () => {
    setError(undefined);
    let profile: PlatformProfile | undefined = presets?.find((p) => p.kind === choice);
    if (choice === CUSTOM) {
      const port = Number(gatewayPort);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        setError('The gateway port must be a number from 1 to 65535.');
        return;
      }
      profile = {
        kind: 'custom',
        label: new URL(apiUrl).host || 'Custom',
        apiUrl: apiUrl.replace(/\/+$/, ''),
        gateway: { host: gatewayHost.trim(), port },
      };
    }
    if (!profile) return;
    await run(async () => {
      await core.platform.useProfile(profile);
      props.onDone(profile);
    });
  };

  return (
    <Form
      className="step"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <RadioGroup value={choice} onChange={setChoice} className="choices">
        <Label>Platform</Label>
        {(presets ?? []).map((p) => (
          <Radio key={p.kind} value={p.kind} className="choice">
            <strong>{p.label}</strong>
            <Text slot="description">
              {p.kind === 'sandbox'
                ? 'Demo environments on this computer — try everything without an account.'
                : `${new URL(p.apiUrl).host}, gateway ${p.gateway.host}:${p.gateway.port}`}
            </Text>
          </Radio>
        ))}
        <Radio value={CUSTOM} className="choice">
          <strong>Custom</strong>
          <Text slot="description">Another Jelastic-based platform: its API and SSH gateway.</Text>
        </Radio>
      </RadioGroup>
      {choice === CUSTOM && (
        <div className="custom-platform">
          <Field
            label="API address"
            type="url"
            value={apiUrl}
            onChange={setApiUrl}
            isRequired
            validate={problemWith(checkedApiUrl)}
          />
          <div className="row">
            <Field
              label="Gateway host"
              value={gatewayHost}
              onChange={setGatewayHost}
              isRequired
              validate={problemWith(checkedGatewayHost)}
            />
            <Field
              label="Gateway port"
              value={gatewayPort}
              onChange={setGatewayPort}
              inputMode="numeric"
              isRequired
            />
          </div>
        </div>
      )}
      <InlineError message={error} />
      <Button type="submit" className="react-aria-Button primary" isDisabled={busy || !presets}>
        Continue
      </Button>
    </Form>
  );
}
