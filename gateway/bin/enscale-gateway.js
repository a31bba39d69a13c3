#!/usr/bin/env node
// Runs the gateway package's TypeScript directly through tsx: no build step between a change
// and `npx enscale-gateway`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
