import type { TerminalApi } from '../../../shared/src/terminals.ts';
import type { TerminalEvents, TerminalLogState } from '../../../shared/src/terminals.ts';

export interface TerminalSink {
  data(data: Uint8Array): void;
  exit(event: TerminalEvents['exit']): void;
  log?(state: TerminalLogState): void;
}

/**
 * One subscription to a terminal service's events, routed by terminal id to the tab that owns it.
 * Events of terminals this page does not own (another page of the browser host) are ignored.
 */
export class TerminalHub<Request> {
  private readonly sinks = new Map<string, TerminalSink>();

  constructor(readonly api: TerminalApi<Request>) {
    api.events.on('data', ({ id, data }) => this.sinks.get(id)?.data(data));
    api.events.on('log', ({ id, ...state }) => this.sinks.get(id)?.log?.(state));
    api.events.on('exit', (event) => {
      const sink = this.sinks.get(event.id);
      this.sinks.delete(event.id);
      sink?.exit(event);
    });
  }

  attach(id: string, sink: TerminalSink): () => void {
    this.sinks.set(id, sink);
    return () => {
      if (this.sinks.get(id) === sink) this.sinks.delete(id);
    };
  }
}
