import { defineDictionary, getLocale, translator } from '../i18n/locale';

export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

/** An RFC 9457 problem as the server sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail: string;
  requestId?: string;
  errors?: FieldProblem[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'ApiError';
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string {
    return this.problem.code;
  }
  get fieldErrors(): FieldProblem[] {
    return this.problem.errors ?? [];
  }
}

const dict = defineDictionary(
  {
    network: '无法连接服务器，请检查网络后重试',
    unexpected: '服务器返回了意外的响应（{status}），请稍后再试',
    unknown: '出了点问题，请稍后再试',
  },
  {
    network: 'Cannot reach the server; check your connection and try again',
    unexpected: 'The server sent an unexpected response ({status}); please try again later',
    unknown: 'Something went wrong; please try again later',
  },
);

export function networkProblem(status?: number): Problem {
  const t = translator(dict, getLocale());
  return status
    ? { status, code: 'unexpected_response', detail: t('unexpected', { status }) }
    : { status: 0, code: 'network_error', detail: t('network') };
}

/** The message to show a person for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail;
  return translator(dict, getLocale())('unknown');
}

export function isApiError(error: unknown, status?: number, code?: string): error is ApiError {
  return (
    error instanceof ApiError &&
    (status === undefined || error.status === status) &&
    (code === undefined || error.code === code)
  );
}

/**
 * Field errors as form field paths: `body.email` → `['email']`, `body.contact.phone` → `['contact', 'phone']`.
 * `aliases` maps an API field name to the form's name where they differ.
 */
export function formFieldErrors(
  error: unknown,
  aliases: Record<string, string> = {},
): { name: (string | number)[]; errors: string[] }[] {
  if (!(error instanceof ApiError)) return [];
  const byField = new Map<string, string[]>();
  for (const fieldError of error.fieldErrors) {
    const path = fieldError.field.replace(/^(body|query|path)\./, '');
    const name = aliases[path] ?? path;
    byField.set(name, [...(byField.get(name) ?? []), fieldError.message]);
  }
  return [...byField].map(([name, errors]) => ({
    name: name.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
    errors,
  }));
}
