#!/usr/bin/env node
// The command line over the app's core. Runs the TypeScript directly through tsx, like
// enscale-gateway: no build step between a change and `npx enscale-ssh`.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../electron/cli/run.ts');
await run(process.argv.slice(2));
