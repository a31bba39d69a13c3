import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  answerConnect,
  lockDownWebContents,
  restrictPermissions,
  type GuardedContents,
  type PermissionSession,
} from '../../electron/main/hardening.ts';
import { APP_ENTRY, APP_ORIGIN } from '../../electron/main/policy/appUrl.ts';
import type { LogFile } from '../../electron/main/policy/logFile.ts';

/*
 * The main process's safeguards driven through the functions main.ts calls, with plain emitters in
 * place of Electron's app, session and web contents: each safeguard is checked by what it does to
 * an event, so removing or weakening one fails here however the source is written.
 */

const recordingLog = () => {
  const lines: string[] = [];
  const log: LogFile = { path: '', write: (level, message) => void lines.push(`${level}: ${message}`) };
  return { log, lines };
};

/** An event as Electron passes it to a `will-…` listener: cancelled by `preventDefault`. */
const navigation = (url = '') => {
  const event = { url, prevented: false, preventDefault: () => void (event.prevented = true) };
  return event;
};

class FakeContents extends EventEmitter implements GuardedContents {
  windowOpen?: (details: { url: string }) => { action: 'deny' };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpen = handler;
  }
}

function lockedDownContents() {
  const app = new EventEmitter();
  const opened: string[] = [];
  const { log, lines } = recordingLog();
  lockDownWebContents(app, (url) => void opened.push(url), log);
  const contents = new FakeContents();
  app.emit('web-contents-created', {}, contents);
  return { contents, opened, lines };
}

describe('every web contents the app creates', () => {
  it('never navigates: http(s) links go to the OS browser, anything else nowhere', () => {
    const { contents, opened, lines } = lockedDownContents();
    for (const url of ['https://docs.enscale.com/ssh', 'file:///etc/passwd', `${APP_ORIGIN}/other.html`]) {
      const event = navigation(url);
      contents.emit('will-navigate', event);
      expect(event.prevented, url).toBe(true);
    }
    expect(opened).toEqual(['https://docs.enscale.com/ssh']);
    expect(lines.some((line) => line.includes('file:///etc/passwd'))).toBe(true);
  });

  it('follows redirects within the app only', () => {
    const { contents } = lockedDownContents();
    const inside = navigation(`${APP_ORIGIN}/index.html`);
    const outside = navigation('https://evil.example/');
    const lookalike = navigation(`${APP_ORIGIN}.evil.example/`);
    for (const event of [inside, outside, lookalike]) contents.emit('will-redirect', event);
    expect([inside.prevented, outside.prevented, lookalike.prevented]).toEqual([false, true, true]);
  });

  it('opens no window: a target=_blank link goes to the OS browser when it is http(s)', () => {
    const { contents, opened } = lockedDownContents();
    expect(contents.windowOpen?.({ url: 'https://enscale.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpen?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://enscale.com/']);
  });

  it('attaches no <webview>', () => {
    const { contents } = lockedDownContents();
    const event = navigation();
    contents.emit('will-attach-webview', event);
    expect(event.prevented).toBe(true);
  });
});

class FakeSession extends EventEmitter implements PermissionSession {
  request?: Parameters<PermissionSession['setPermissionRequestHandler']>[0];
  check?: Parameters<PermissionSession['setPermissionCheckHandler']>[0];
  device?: Parameters<PermissionSession['setDevicePermissionHandler']>[0];
  setPermissionRequestHandler(handler: NonNullable<FakeSession['request']>): void {
    this.request = handler;
  }
  setPermissionCheckHandler(handler: NonNullable<FakeSession['check']>): void {
    this.check = handler;
  }
  setDevicePermissionHandler(handler: NonNullable<FakeSession['device']>): void {
    this.device = handler;
  }
}

function restrictedSession() {
  const session = new FakeSession();
  const { log, lines } = recordingLog();
  restrictPermissions(session, log);
  /** What the request handler answers, through its callback. */
  const requested = (permission: string, requestingUrl: string, isMainFrame = true) => {
    let answer: boolean | undefined;
    session.request?.({}, permission, (granted) => (answer = granted), { requestingUrl, isMainFrame });
    return answer;
  };
  return { session, lines, requested };
}

describe('the session’s permissions', () => {
  it('grants the clipboard to the app’s own page in its main frame, and nothing else to anyone', () => {
    const { session, lines, requested } = restrictedSession();
    expect(requested('clipboard-read', APP_ENTRY)).toBe(true);
    expect(requested('clipboard-sanitized-write', APP_ENTRY)).toBe(true);
    expect(requested('clipboard-read', APP_ENTRY, false)).toBe(false);
    expect(requested('clipboard-read', 'https://evil.example/')).toBe(false);
    for (const permission of [
      'media',
      'notifications',
      'geolocation',
      'openExternal',
      'hid',
      'serial',
      'usb',
    ])
      expect(requested(permission, APP_ENTRY), permission).toBe(false);
    expect(lines).toContain('warn: permission request refused: media');
    expect(session.check?.({}, 'clipboard-read', APP_ORIGIN, { isMainFrame: true })).toBe(true);
    expect(session.check?.({}, 'notifications', APP_ORIGIN, { isMainFrame: true })).toBe(false);
    expect(session.check?.({}, 'clipboard-read', 'https://evil.example', { isMainFrame: true })).toBe(false);
  });

  it('allows no device (USB, HID, serial) to any page', () => {
    const { session } = restrictedSession();
    for (const deviceType of ['usb', 'hid', 'serial'])
      expect(session.device?.({ deviceType, origin: APP_ORIGIN }), deviceType).toBe(false);
  });

  it('cancels every download the page starts', () => {
    const { session } = restrictedSession();
    const event = navigation();
    expect(session.emit('will-download', event, {}, {})).toBe(true);
    expect(event.prevented).toBe(true);
  });
});

describe('the core’s port', () => {
  const ask = (senderFrame: { url: string; parent: unknown } | null) => {
    const given: string[] = [];
    const { log, lines } = recordingLog();
    const answered = answerConnect(
      { senderFrame, sender: 'the page' },
      { connect: (s) => given.push(s) },
      log,
    );
    return { answered, given, lines };
  };

  it('goes to the app’s own page in a window’s main frame', () => {
    expect(ask({ url: APP_ENTRY, parent: null })).toMatchObject({ answered: true, given: ['the page'] });
  });

  it('goes to no other frame, and each refusal is logged', () => {
    for (const frame of [
      { url: APP_ENTRY, parent: {} },
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///index.html', parent: null },
      null,
    ]) {
      const { answered, given, lines } = ask(frame);
      expect({ answered, given }, JSON.stringify(frame)).toEqual({ answered: false, given: [] });
      expect(lines[0]).toMatch(/^warn: refused a core connection from/);
    }
  });
});
