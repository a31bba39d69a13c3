/** The parts of an Ajv error this module reads (fastify hands them over as FastifySchemaValidationError). */
export interface SchemaIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A request whose parameters failed validation; the message names the parameter and the fix. */
export class InvalidParametersError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidParametersError';
  }
}

/** Turns a schema validation failure into one sentence that names the parameter and the fix. */
export function validationMessage(
  issues: readonly SchemaIssue[],
  specs: Record<string, { pattern?: { describe: string } }>,
): string {
  const issue = issues[0];
  if (!issue) return 'Invalid parameters.';
  const param = issue.instancePath.replace(/^\//, '') || undefined;
  switch (issue.keyword) {
    case 'required':
      return `Missing parameter '${String(issue.params['missingProperty'])}'.`;
    case 'minLength':
      return `Parameter '${param}' must not be empty.`;
    case 'maxLength':
      return `Parameter '${param}' is too long (at most ${String(issue.params['limit'])} characters).`;
    case 'type':
      return param
        ? `Parameter '${param}' must be given once, as text.`
        : 'Parameters must be sent as a query string or a form body.';
    case 'pattern':
      return `Parameter '${param}' ${(param && specs[param]?.pattern?.describe) ?? 'has the wrong form'}.`;
    default:
      return `Parameter '${param ?? '?'}' is invalid: ${issue.message ?? issue.keyword}.`;
  }
}
