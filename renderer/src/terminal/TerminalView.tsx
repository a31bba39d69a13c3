import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { Button, Input, SearchField } from 'react-aria-components';
import type { TerminalLogChoice, TerminalLogState, TerminalSize } from '../../../shared/src/terminals.ts';
import { useColorScheme, useSettings } from '../settings/SettingsContext.tsx';
import type { TerminalSettings } from '../settings/Settings.ts';
import { TerminalConnection, type TerminalStatus } from './TerminalConnection.ts';
import type { TerminalHub } from './TerminalHub.ts';
import { hasHardwareWebgl } from './gpu.ts';
import { linkHint, linkToOpen, type LinkClick } from './links.ts';
import { DARK_THEME, LIGHT_THEME } from './themes.ts';
import { ReconnectOverlay } from './ReconnectOverlay.tsx';
import { attachClipboard } from './terminalClipboard.ts';
import { trackParsing } from './screenWrites.ts';
import { fixFloodDrawing, FLOOD_DRAW_INTERVAL_MS } from './xtermInternals.ts';
import { isTyped } from '../panes/typedInput.ts';

export interface TerminalViewProps<Request> {
  hub: TerminalHub<Request>;
  request: (size: TerminalSize, log: TerminalLogChoice) => Request;
  /** Names the terminal for screen readers, e.g. "Terminal on node 518839". */
  label: string;
  active: boolean;
  onStatus: (status: TerminalStatus) => void;
  onClose: () => void;
  /** The session log started, stopped or failed. */
  onLog?: (log: TerminalLogState) => void;
  /** The tab's connection while the view lives (the tab's menu starts and stops its log). */
  onConnection?: (connection: TerminalConnection<Request> | undefined) => void;
  /** Why the node is down (its environment is stopped): the session ends and waits until this clears. */
  held?: string | undefined;
  /** Where what the user types and pastes goes instead of this terminal's own session (a broadcasting tab's panes). */
  onInput?: (data: string) => void;
}

const optionsFrom = (settings: TerminalSettings, scheme: 'light' | 'dark') => ({
  fontFamily: settings.fontFamily,
  fontSize: settings.fontSize,
  // At 1.0 the DOM renderer clips the underscores of DejaVu Sans Mono (the screenshots showed
  // `e2e_items` as `e2e items`); a little leading keeps them.
  lineHeight: 1.1,
  scrollback: settings.scrollback,
  cursorStyle: settings.cursorStyle,
  cursorBlink: settings.cursorBlink,
  theme: scheme === 'dark' ? DARK_THEME : LIGHT_THEME,
});

function openLink(click: LinkClick, text: string): void {
  const url = linkToOpen(click, text);
  // The desktop shell hands http(s) windows to the system browser after its own check.
  if (url) window.open(url, '_blank', 'noopener,noreferrer');
}

const HOST_STYLE = { contain: 'strict' } as const;

const IS_MAC = /Mac/i.test(navigator.platform);

/** Loads the WebGL renderer when the setting and the machine allow; xterm's DOM renderer stays otherwise. */
function useRenderer(term: Terminal | undefined, renderer: TerminalSettings['renderer']): void {
  useEffect(() => {
    if (!term || renderer === 'dom') return;
    if (renderer === 'auto' && !hasHardwareWebgl(document)) return;
    let addon: WebglAddon | undefined;
    try {
      addon = new WebglAddon();
      addon.onContextLoss(() => addon?.dispose());
      term.loadAddon(addon);
    } catch {
      addon?.dispose();
      addon = undefined;
    }
    return () => addon?.dispose();
  }, [term, renderer]);
}

/** An xterm.js terminal bound to one terminal in the core, with fit, search, links and PuTTY habits. */
export function TerminalView<Request>(props: TerminalViewProps<Request>) {
  const settings = useSettings();
  const scheme = useColorScheme(settings.theme);
  const host = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<TerminalStatus>({ state: 'connecting' });
  const [connection, setConnection] = useState<TerminalConnection<Request>>();
  const [searching, setSearching] = useState(false);
  /** Where the link under the pointer goes, and how to open it. */
  const [hint, setHint] = useState<string>();
  const [query, setQuery] = useState('');
  const latest = useRef(props);
  latest.current = props;
  const settingsRef = useRef(settings);
  settingsRef.current = settings;

  const [parts, setParts] = useState<{ term: Terminal; fit: FitAddon; search: SearchAddon }>();
  const schemeRef = useRef(scheme);
  schemeRef.current = scheme;

  useRenderer(parts?.term, settings.renderer);

  useEffect(() => {
    if (!parts) return;
    parts.term.options = optionsFrom(settings, scheme);
    parts.fit.fit();
  }, [parts, settings, scheme]);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    // Links, plain or OSC 8 (whose text need not be its address): the address shown on hover, opened
    // on Ctrl+click only and only after the check. xterm.js drops OSC 8 links that are not http(s).
    const hover = (_event: MouseEvent, text: string) => setHint(linkHint(text, IS_MAC));
    const leave = () => setHint(undefined);
    const term = new Terminal({
      ...optionsFrom(settingsRef.current, schemeRef.current),
      linkHandler: { activate: openLink, hover, leave, allowNonHttpProtocols: false },
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(new WebLinksAddon(openLink, { hover, leave }));
    setParts({ term, fit, search });
    term.open(element);
    fit.fit();
    const screen = trackParsing(term, FLOOD_DRAW_INTERVAL_MS);
    const unfix = fixFloodDrawing(term, { busy: () => screen.busy, drawIntervalMs: FLOOD_DRAW_INTERVAL_MS });
    const link = new TerminalConnection(
      props.hub,
      props.request,
      screen,
      (next) => {
        setStatus(next);
        latest.current.onStatus(next);
      },
      (log) => latest.current.onLog?.(log),
    );
    setConnection(link);
    latest.current.onConnection?.(link);
    // What the user typed may go elsewhere too (a broadcasting tab); the terminal's own answers and
    // reports, and binary mouse reports, go only to its session (see panes/typedInput.ts).
    let lastKey: string | undefined;
    const keys = term.onKey(({ key }) => (lastKey = key));
    const input = term.onData((data) => {
      const typed = isTyped(data, lastKey);
      lastKey = undefined;
      if (typed && latest.current.onInput) latest.current.onInput(data);
      else link.input(data);
    });
    const binary = term.onBinary((data) => link.input(data));
    const resized = term.onResize(({ cols, rows }) => link.resize(cols, rows));
    const clipboard = attachClipboard(term, element, settingsRef, () => setSearching(true));
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (element.offsetParent !== null) fit.fit();
      });
    });
    observer.observe(element);
    void link.open();
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      clipboard();
      keys.dispose();
      input.dispose();
      binary.dispose();
      resized.dispose();
      link.close();
      latest.current.onConnection?.(undefined);
      unfix?.();
      term.dispose();
      setParts(undefined);
    };
    // The terminal lives as long as its tab: its hub and request never change.
  }, []);

  useEffect(() => {
    if (!connection) return;
    if (props.held) connection.hold(props.held);
    else connection.release();
  }, [connection, props.held]);

  useEffect(() => {
    if (!props.active || !parts) return;
    parts.fit.fit();
    // Shown by a click or a shortcut, the terminal takes the keyboard; shown by the arrow keys in
    // the tab strip, the focus stays on the tab (its focus is then keyboard-visible).
    const focused = document.activeElement;
    if (focused?.getAttribute('role') === 'tab' && focused.matches(':focus-visible')) return;
    parts.term.focus();
  }, [props.active, parts]);

  const find = (backwards: boolean) => {
    if (!query || !parts) return;
    if (backwards) parts.search.findPrevious(query);
    else parts.search.findNext(query);
  };
  const closeSearch = () => {
    setSearching(false);
    parts?.search.clearDecorations();
    parts?.term.focus();
  };

  return (
    <div className="terminal-view">
      {searching && (
        <div className="terminal-search" role="search">
          <SearchField
            aria-label="Find in terminal"
            value={query}
            onChange={setQuery}
            autoFocus
            onSubmit={() => find(false)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') closeSearch();
            }}
          >
            <Input placeholder="Find" />
          </SearchField>
          <Button onPress={() => find(true)}>Previous</Button>
          <Button onPress={() => find(false)}>Next</Button>
          <Button aria-label="Close search" onPress={closeSearch}>
            ×
          </Button>
        </div>
      )}
      {/* Contained (strict): nothing xterm.js's DOM renderer redraws every frame can change a size
          outside this box, so Chromium need not lay out the app around it. With acknowledgements
          gathered (acknowledgements.ts), a 20 MB colour `cat` went from 8.2 to 8.8 MB/s, 0.44 to 0.52
          of xterm.js alone (medians of 3 rounds at load 4–5.5, 2026-12-06). */}
      <div className="terminal-host" ref={host} style={HOST_STYLE} role="region" aria-label={props.label} />
      {hint && (
        <div className="terminal-link-hint" role="tooltip">
          {hint}
        </div>
      )}
      {connection && status.state === 'disconnected' && (
        <ReconnectOverlay status={status} onRetry={() => connection.retryNow()} onClose={props.onClose} />
      )}
    </div>
  );
}
