import { SECRETS_IN_MEMORY_NOTICE } from '../../shared/src/settings.ts';
import { parseCommandLine, USAGE, UsageError } from './options.ts';
import { serve, type RunningWebHost } from './serve.ts';

// `npm run start:web`: the core and the built renderer for a browser. Runs until SIGINT or SIGTERM.

const report = (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`enscale-ssh web: ${message.replace(/\s*\n\s*/g, ' ').trim() || 'failed'}\n`);
};

let running: RunningWebHost | undefined;
let stopping = false;

async function shutdown(status: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await running?.stop().catch(report);
  }
  process.exit(status);
}

// Something unexpected stops the host rather than leaving it half alive; the sandbox stops with it.
process.on('uncaughtException', (error) => {
  report(error);
  void shutdown(1);
});
process.on('unhandledRejection', (error) => {
  report(error);
  void shutdown(1);
});

try {
  const options = parseCommandLine(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // A second Ctrl-C while stopping means: now.
      if (stopping) process.exit(130);
      void shutdown(0);
    });
  }
  running = await serve(options, process.env.ENSCALE_SSH_KEYCHAIN_SERVICE || undefined);
  // The host's console is its log: said once here, and once in the window (About's `secrets`).
  if (running.secrets === 'memory') process.stderr.write(`${SECRETS_IN_MEMORY_NOTICE}\n`);
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ event: 'ready', url: running.url, sandbox: running.sandbox })}\n`,
    );
  } else {
    const lines = [`Enscale SSH in the browser: ${running.url}`];
    const user = running.sandbox?.users[0];
    if (running.sandbox && user) {
      const gateway = running.sandbox.gateway;
      lines.push(
        `Sandbox platform at ${running.sandbox.api}` +
          (gateway ? `, gateway ${gateway.host}:${gateway.port}` : '') +
          `; sign in as ${user.login} / ${user.password}`,
      );
    }
    lines.push(
      running.temporaryProfile
        ? `Profile ${running.dataDir} (temporary: removed on exit)`
        : `Profile ${running.dataDir}`,
      'Ctrl+C stops it.',
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  }
} catch (error) {
  report(error);
  if (error instanceof UsageError) {
    process.stderr.write(`\n${USAGE}`);
    process.exit(2);
  }
  await shutdown(1);
}
