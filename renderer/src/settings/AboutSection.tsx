import { useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import type { AboutInfo } from '../../../shared/src/settings.ts';
import { errorMessage } from '../ui/errorMessage.ts';
import { useCore } from '../host/HostContext.tsx';
import { InlineError } from '../ui/fields.tsx';

/**
 * The browser's own Chromium version, for the browser host, where the core runs in Node and knows
 * no Chromium: the page is drawn by this browser, so its version is the one that matters.
 */
function browserChromium(): string | null {
  return /(?:Chrome|Chromium)\/([\d.]+)/.exec(navigator.userAgent)?.[1] ?? null;
}

/** A path with a button that copies it (the log folder is what a bug report asks for). */
function PathFact(props: {
  label: string;
  path: string;
  onCopied: (outcome: { copied?: string; failed?: string }) => void;
}) {
  const copy = () =>
    navigator.clipboard.writeText(props.path).then(
      () => props.onCopied({ copied: `Copied the ${props.label.toLowerCase()} path.` }),
      () =>
        props.onCopied({ failed: 'The browser refused the clipboard: select the path and copy it by hand.' }),
    );
  return (
    <>
      <dt>{props.label}</dt>
      <dd className="path-fact">
        <code>{props.path}</code>
        <Button
          className="react-aria-Button small"
          aria-label={`Copy the ${props.label.toLowerCase()} path`}
          onPress={() => void copy()}
        >
          Copy
        </Button>
      </dd>
    </>
  );
}

/** About: versions where known, the data and log folders. */
export function AboutSection() {
  const core = useCore();
  const [about, setAbout] = useState<AboutInfo>();
  const [error, setError] = useState<string>();
  const [copied, setCopied] = useState<{ copied?: string; failed?: string }>({});
  useEffect(() => {
    core.settings.about().then(setAbout, (e: unknown) => setError(errorMessage(e)));
  }, [core]);

  const chromium = about?.versions.chromium ?? null;
  const pageChromium = chromium ? null : browserChromium();
  return (
    <section className="settings-section" aria-labelledby="settings-about">
      <h3 id="settings-about">About</h3>
      <InlineError message={error && `The app’s details could not be read: ${error}`} />
      {about && (
        <dl className="facts">
          <dt>Enscale SSH</dt>
          <dd>{about.appVersion ?? 'version unknown (a development build)'}</dd>
          <dt>Electron</dt>
          <dd>{about.versions.electron ?? 'not in use (the browser host)'}</dd>
          <dt>Chromium</dt>
          <dd>
            {chromium ??
              (pageChromium ? `${pageChromium} (this browser)` : 'unknown (this browser does not say)')}
          </dd>
          <dt>Node.js</dt>
          <dd>{about.versions.node}</dd>
          <dt>System</dt>
          <dd>{about.os}</dd>
          <PathFact label="Data folder" path={about.dataDir} onCopied={setCopied} />
          <PathFact label="Log folder" path={about.logDir} onCopied={setCopied} />
        </dl>
      )}
      <div aria-live="polite">{copied.copied && <p className="saved">{copied.copied}</p>}</div>
      <InlineError message={copied.failed} />
    </section>
  );
}
