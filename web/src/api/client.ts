import createClient from 'openapi-fetch';
import { getLocale } from '../i18n/locale';
import { ApiError, networkProblem, type Problem } from './errors';
import type { paths } from './schema';

const mutating = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Without CSRF handling: only for fetching the CSRF token itself. */
const bare = createClient<paths>({
  credentials: 'same-origin',
  fetch: (request) => {
    request.headers.set('accept-language', getLocale());
    return fetch(request);
  },
});

let csrfToken: Promise<string> | null = null;

/** The CSRF token, fetched once per page load (the call also sets the signed cookie). */
function csrf(refresh = false): Promise<string> {
  if (!csrfToken || refresh) {
    const pending = bare.GET('/api/auth/csrf').then(({ data, error }) => {
      if (!data) throw new ApiError((error as Problem | undefined) ?? networkProblem());
      return data.token;
    });
    pending.catch(() => {
      if (csrfToken === pending) csrfToken = null;
    });
    csrfToken = pending;
  }
  return csrfToken;
}

async function send(request: Request, refreshCsrf: boolean): Promise<Response> {
  request.headers.set('accept-language', getLocale());
  if (mutating.has(request.method)) request.headers.set('x-csrf-token', await csrf(refreshCsrf));
  try {
    return await fetch(request);
  } catch {
    const body = JSON.stringify(networkProblem());
    return new Response(body, { status: 599, headers: { 'content-type': 'application/problem+json' } });
  }
}

/**
 * Every call: the reader's language as Accept-Language, the session cookie, the CSRF header on
 * mutations; one retry with a fresh token when the server answers 403 `csrf_invalid`.
 */
async function qdFetch(request: Request): Promise<Response> {
  const retry = mutating.has(request.method) ? request.clone() : null;
  const response = await send(request, false);
  if (response.status === 403 && retry) {
    const problem = (await response
      .clone()
      .json()
      .catch(() => null)) as Partial<Problem> | null;
    if (problem?.code === 'csrf_invalid') return send(retry, true);
  }
  return response;
}

export const api = createClient<paths>({ credentials: 'same-origin', fetch: qdFetch });

/**
 * Sends a file as multipart/form-data (field `file` unless named) with the same language, CSRF and
 * retry handling as `api`; returns the JSON answer or throws an ApiError.
 */
export async function upload<T>(url: string, file: Blob, field = 'file', signal?: AbortSignal): Promise<T> {
  const body = new FormData();
  body.append(field, file);
  const response = await qdFetch(new Request(url, { method: 'POST', body, credentials: 'same-origin', signal }));
  const json: unknown = await response.json().catch(() => undefined);
  if (response.ok) return json as T;
  throw new ApiError(toProblem(json, response));
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiError carrying the
 * problem+json body (status, code, localized detail, field errors).
 */
export async function call<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await pending;
  if (response.ok) return data as T;
  throw new ApiError(toProblem(error, response));
}

function toProblem(error: unknown, response: Response): Problem {
  if (error && typeof error === 'object' && 'code' in error && 'detail' in error) {
    return { ...(error as Problem), status: response.status };
  }
  if (response.status === 599) return networkProblem();
  return networkProblem(response.status);
}
