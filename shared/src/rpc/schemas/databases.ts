import * as v from 'valibot';
import type { DatabasesApi } from '../../databases.ts';
import { args, argsOf, callOptions } from '../args.ts';
import { ConnectionTargetSchema, text } from './targets.ts';

const DatabaseCredentialsSchema = v.strictObject({ database: text, user: text, password: text });
const sql = {
  target: ConnectionTargetSchema,
  nodeType: text,
  file: text,
  credentials: DatabaseCredentialsSchema,
};

export const DATABASES_ARGS = argsOf<DatabasesApi>()({
  importSql: args(v.strictObject(sql), callOptions()),
  exportSql: args(v.strictObject({ ...sql, gzip: v.boolean() }), callOptions()),
  savedCredentials: args(text),
  saveCredentials: args(text, DatabaseCredentialsSchema),
});
