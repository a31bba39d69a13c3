import type { ClientChannel, ServerChannel, Session } from 'ssh2';
import { EnvironmentStatus } from '../../store/types.ts';
import type { EnvironmentRecord, NodeRecord } from '../../store/types.ts';
import { relayTerminal } from '../channelRelay.ts';
import { channelFailureMessage, openNodeSession, refuse, type EnvironmentRequest } from '../nodeChannel.ts';
import { collectSessionSetup } from '../sessionSetup.ts';
import type { ConnectionContext, TerminalRequest } from '../nodeChannel.ts';
import { authorizeNode, notRunningMessage } from '../nodeAuthorization.ts';
import type { UpstreamLease } from '../UpstreamPool.ts';
import { LineEditor } from './LineEditor.ts';
import type { EditorEvent } from './LineEditor.ts';
import { FIRST_ITEM, clean, environmentsScreen, nodesScreen, orderNodes, promptLine } from './menuScreens.ts';
import type { MenuScreen } from './menuScreens.ts';

type View = { at: 'environments' } | { at: 'nodes'; envName: string };

/**
 * The interactive menu of a `UID` login: environments, then an environment's nodes, then a shell
 * on the chosen node; when that shell ends the node list comes back. Commands and SFTP are not
 * served here — they need the `NODEID-UID` login, and the user is told so.
 */
export function serveMenuSession(session: Session, context: ConnectionContext): void {
  let menu: TerminalMenu | undefined;
  const setup = collectSessionSetup(session, (rows, cols, height, width) =>
    menu?.resize(rows, cols, height, width),
  );
  session.on('signal', (accept, _reject, info) => {
    menu?.signal(info.name);
    accept?.();
  });
  session.on('shell', (accept) => {
    const channel = accept() as ServerChannel | undefined;
    if (!channel) return;
    const terminal = setup.terminal();
    if (!terminal) {
      refuse(
        channel,
        `The menu of user ${context.uid} needs a terminal: connect with "ssh -t". For commands use NODEID-${context.uid} as the user name.`,
        false,
      );
      return;
    }
    menu = new TerminalMenu(channel, context, terminal, setup.env);
    void menu.run();
  });
  // Accepted first, then refused with a message: a plain failure would leave sftp/scp printing
  // only "Connection closed", which tells the user nothing.
  session.on('exec', (accept) => explainDirectMode(accept() as ServerChannel | undefined, context));
  session.on('subsystem', (accept) => explainDirectMode(accept() as ServerChannel | undefined, context));
}

async function explainDirectMode(
  channel: ServerChannel | undefined,
  context: ConnectionContext,
): Promise<void> {
  if (!channel) return;
  const example = await exampleNodeId(context).catch(() => undefined);
  const user = `NODEID-${context.uid}`;
  const hint = example ? ` (for example ${example}-${context.uid})` : '';
  refuse(
    channel,
    `User ${context.uid} opens the interactive menu only; for commands, sftp, scp and rsync connect as ${user}${hint}.`,
    false,
  );
}

async function exampleNodeId(context: ConnectionContext): Promise<number | undefined> {
  const environments = await context.store.listEnvironments(context.uid);
  const running =
    environments.find((environment) => environment.status === EnvironmentStatus.Running) ?? environments[0];
  if (!running) return undefined;
  return orderNodes(await context.store.listNodes(running.envName))[0]?.id;
}

class TerminalMenu {
  private readonly editor: LineEditor;
  private waiting: ((event: EditorEvent) => void) | undefined;
  private closed = false;
  private upstream: ClientChannel | undefined;
  private readonly startedAt = Date.now();

  constructor(
    private readonly channel: ServerChannel,
    private readonly context: ConnectionContext,
    private readonly terminal: TerminalRequest,
    private readonly env: EnvironmentRequest,
  ) {
    this.editor = new LineEditor((text) => this.write(text));
    channel.once('close', () => {
      this.closed = true;
      this.deliver();
    });
    channel.once('end', () => {
      this.closed = true;
      this.deliver();
    });
  }

  resize(rows: number, cols: number, height: number, width: number): void {
    this.upstream?.setWindow(rows, cols, height, width);
  }

  signal(name: string): void {
    try {
      this.upstream?.signal(name);
    } catch {
      // A signal name ssh2 does not know would be ignored by the node as well.
    }
  }

  async run(): Promise<void> {
    this.channel.on('data', this.onData);
    let view: View = { at: 'environments' };
    try {
      while (!this.closed) {
        view =
          view.at === 'environments' ? await this.environmentsStep() : await this.nodesStep(view.envName);
        if (this.closed) break;
      }
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.write(
        `\r\nThe menu could not load your environments (${clean(detail)}). Reconnect to try again.\r\n`,
      );
    }
    this.leave();
  }

  /** One round of the top level; returns where to go next (`closed` is set to leave). */
  private async environmentsStep(): Promise<View> {
    const environments = [...(await this.context.store.listEnvironments(this.context.uid))].sort((a, b) =>
      a.envName.localeCompare(b.envName),
    );
    const picked = await this.ask(environmentsScreen(environments));
    if (picked === undefined || picked === 0) {
      this.closed = true;
      return { at: 'environments' };
    }
    const environment = environments[picked - FIRST_ITEM];
    if (!environment) return { at: 'environments' };
    if (environment.status !== EnvironmentStatus.Running) {
      this.write(`\r\n${notRunningMessage(environment)}\r\n\r\n`);
      return { at: 'environments' };
    }
    return { at: 'nodes', envName: environment.envName };
  }

  private async nodesStep(envName: string): Promise<View> {
    const environment = await this.context.store.getEnvironment(envName);
    if (!environment || environment.ownerUid !== this.context.uid) {
      this.write(`\r\nEnvironment '${clean(envName)}' is no longer available.\r\n\r\n`);
      return { at: 'environments' };
    }
    const nodes = orderNodes(await this.context.store.listNodes(envName));
    const picked = await this.ask(nodesScreen(environment, nodes));
    if (picked === undefined) {
      this.closed = true;
      return { at: 'environments' };
    }
    if (picked === 0) return { at: 'environments' };
    const node = nodes[picked - FIRST_ITEM];
    if (node) await this.enterNode(environment, node);
    return { at: 'nodes', envName };
  }

  /** Shows a screen and reads a valid choice; `undefined` when the user leaves. */
  private async ask(screen: MenuScreen): Promise<number | undefined> {
    this.write(`${screen.lines.join('\r\n')}\r\n\r\n`);
    for (;;) {
      this.write(promptLine(screen.maxChoice));
      const event = await this.readEvent();
      if (event.type === 'quit') return undefined;
      const text = event.text.trim();
      if (text === '') continue;
      const value = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
      if (Number.isInteger(value) && value >= 0 && value <= screen.maxChoice) return value;
      this.write(`Invalid choice "${clean(text)}": enter a number from 0 to ${screen.maxChoice}.\r\n`);
    }
  }

  private async enterNode(environment: EnvironmentRecord, node: NodeRecord): Promise<void> {
    const startedAt = Date.now();
    this.write(`\r\nConnecting to node ${node.id} (${clean(node.displayName ?? node.name)})...\r\n`);
    let lease: UpstreamLease | undefined;
    let upstream: ClientChannel;
    try {
      const authorized = await authorizeNode(this.context.store, this.context.uid, node.id);
      lease = await this.context.pool.acquire(node.id, authorized.access, 'terminal', this.context.conn);
      upstream = await openNodeSession(lease.client, { kind: 'shell' }, this.terminal, this.env);
    } catch (error) {
      lease?.release();
      const message = channelFailureMessage(error, node.id);
      this.write(`${message}\r\n\r\n`);
      this.auditShell(node, startedAt, { bytesToNode: 0, bytesFromNode: 0 }, message);
      return;
    }
    if (this.closed) {
      upstream.close();
      lease.release();
      return;
    }
    // The node's shell owns the keyboard now; anything typed ahead goes to it.
    this.channel.off('data', this.onData);
    const typedAhead = this.editor.takePending();
    if (typedAhead.length > 0) upstream.write(typedAhead);
    this.upstream = upstream;
    const outcome = await relayTerminal(this.channel, upstream, this.context.touch);
    this.upstream = undefined;
    lease.release();
    this.auditShell(node, startedAt, outcome);
    if (this.closed) return;
    this.channel.on('data', this.onData);
    this.channel.resume();
    this.write(`\r\nConnection to node ${node.id} in '${clean(environment.envName)}' closed.\r\n\r\n`);
  }

  private auditShell(
    node: NodeRecord,
    startedAt: number,
    outcome: { bytesToNode: number; bytesFromNode: number; exitStatus?: number; exitSignal?: string },
    error?: string,
  ): void {
    this.context.audit.record({
      event: 'channel',
      conn: this.context.conn,
      uid: this.context.uid,
      mode: 'menu',
      nodeId: node.id,
      channel: 'shell',
      pty: true,
      env: this.env.names(),
      ...outcome,
      ...(error ? { error } : {}),
      durationMs: Date.now() - startedAt,
    });
  }

  private readonly onData = (chunk: Buffer): void => {
    this.context.touch();
    this.editor.feed(chunk);
    this.deliver();
  };

  private deliver(): void {
    const resolve = this.waiting;
    if (!resolve) return;
    const event: EditorEvent | undefined = this.closed ? { type: 'quit' } : this.editor.next();
    if (!event) return;
    this.waiting = undefined;
    resolve(event);
  }

  private readEvent(): Promise<EditorEvent> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.deliver();
    });
  }

  private leave(): void {
    this.context.audit.record({
      event: 'channel',
      conn: this.context.conn,
      uid: this.context.uid,
      mode: 'menu',
      channel: 'menu',
      bytesToNode: 0,
      bytesFromNode: 0,
      durationMs: Date.now() - this.startedAt,
    });
    if (!this.channel.writable) return;
    this.write('\r\nBye.\r\n');
    this.channel.exit(0);
    this.channel.end();
  }

  private write(text: string): void {
    if (this.channel.writable) this.channel.write(text);
  }
}
