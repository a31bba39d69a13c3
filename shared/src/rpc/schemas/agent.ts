import * as v from 'valibot';
import type { AgentApi } from '../../agent.ts';
import { args, argsOf } from '../args.ts';
import { text } from './targets.ts';

export const AGENT_ARGS = argsOf<AgentApi>()({
  status: args(),
  answer: args(v.pipe(text, v.maxLength(100)), v.boolean()),
});
