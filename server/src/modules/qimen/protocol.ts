/**
 * The Qimen (奇门) wire protocol, with no database and no server: signing, timestamps, bodies
 * (XML with a `<request>` root, or JSON) and the response envelope. Used by the gateway, by the
 * outbound sender and by the standalone WMS simulator (`src/tools/wms-simulator.ts`).
 * See `shared/specs/qimen.md`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export const SIGN_METHODS = ['md5', 'hmac', 'hmac-sha256'] as const;
export type SignMethod = (typeof SIGN_METHODS)[number];
export type Format = 'xml' | 'json';

/** How a partner signs: the method, and for md5 whether the secret is only appended (`MD5(S + body + secret)`). */
export interface SignOptions {
  method: SignMethod;
  secretAtEndOnly?: boolean;
}

/**
 * Gateway failure codes (Qimen's envelope `code`). 25 and 41 are the protocol's own; the others
 * follow the TOP router's numbering.
 * - `25` the signature cannot be verified: missing or wrong `sign`, unknown `app_key`, timestamp
 *   outside the 5-minute window (an unknown key answers like a bad signature, so keys cannot be probed)
 * - `41` invalid arguments: a missing or malformed system or business field (the message names it)
 * - `22` the method is not supported
 * - `15` the document was understood but refused (e.g. stock would fall below what is reserved)
 * - `10` an unexpected error on our side; retry later
 * - `7` App Call Limited: the app key made more calls this minute than its partner may (with
 *   `sub_code` `accesscontrol.limited-by-app-access-count` and when to retry); nothing was done
 */
export const QIMEN_CODES = {
  badSignature: '25',
  badArguments: '41',
  unsupportedMethod: '22',
  refused: '15',
  unavailable: '10',
  callLimited: '7',
} as const;

/** TOP's sub_code for an app key over its call limit. */
export const CALL_LIMITED_SUB_CODE = 'accesscontrol.limited-by-app-access-count';

export const TIMESTAMP_WINDOW_MS = 5 * 60_000;
const GMT8_MS = 8 * 3600_000;

/** `yyyy-MM-dd HH:mm:ss` in GMT+8, as Qimen timestamps are written. */
export function formatTimestamp(at: Date | number = Date.now()): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  return new Date(ms + GMT8_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The instant a GMT+8 `yyyy-MM-dd HH:mm:ss` names, or null if it is not one. */
export function parseTimestamp(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return ms - GMT8_MS;
}

/** S: every parameter but `sign`, empty keys and values skipped, sorted by byte order, `key + value` joined. */
export function canonicalParams(params: Record<string, string | undefined>): string {
  return Object.entries(params)
    .filter((e): e is [string, string] => e[0] !== 'sign' && e[0] !== '' && e[1] !== undefined && e[1] !== '')
    .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map(([k, v]) => k + v)
    .join('');
}

/** The signature of a request: uppercase hex of the digest over S and the body's exact bytes. */
export function sign(
  params: Record<string, string | undefined>,
  body: Buffer | string,
  secret: string,
  opts: SignOptions,
): string {
  const s = Buffer.from(canonicalParams(params), 'utf8');
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  switch (opts.method) {
    case 'md5': {
      const md5 = createHash('md5');
      if (!opts.secretAtEndOnly) md5.update(secret, 'utf8');
      return md5.update(s).update(bytes).update(secret, 'utf8').digest('hex').toUpperCase();
    }
    case 'hmac':
      return createHmac('md5', secret).update(s).update(bytes).digest('hex').toUpperCase();
    case 'hmac-sha256':
      return createHmac('sha256', secret).update(s).update(bytes).digest('hex').toUpperCase();
  }
}

/** Compares a received signature with the expected one, case-insensitively and in constant time. */
export function signatureMatches(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given.toUpperCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `taobao.qimen.deliveryorder.create` and `deliveryorder.create` are the same method. */
export function shortMethod(method: string): string {
  return method.trim().replace(/^(taobao\.)?qimen\./, '');
}
export const fullMethod = (method: string) => `taobao.qimen.${shortMethod(method)}`;

/** Thrown when a body cannot be read: answered with code 41. */
export class BodyError extends Error {}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
});
const builder = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });

export type Doc = Record<string, unknown>;

/** Parses a request or response body. XML must have the given root; JSON may wrap it in that key. */
export function parseBody(raw: string, format: Format, root: 'request' | 'response' = 'request'): Doc {
  if (!raw.trim()) throw new BodyError('empty body');
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new BodyError('body is not valid JSON');
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new BodyError('body is not a JSON object');
    const wrapped = (value as Doc)[root];
    return wrapped && typeof wrapped === 'object' && !Array.isArray(wrapped) ? (wrapped as Doc) : (value as Doc);
  }
  let value: Doc;
  try {
    if (XMLValidator.validate(raw) !== true) throw new Error('invalid');
    value = parser.parse(raw) as Doc;
  } catch {
    throw new BodyError('body is not well-formed XML');
  }
  const doc = value[root];
  if (doc === '' || doc === undefined) {
    if (root in value) return {};
    throw new BodyError(`XML root element must be <${root}>`);
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new BodyError(`XML root element must be <${root}>`);
  return doc as Doc;
}

/** Serialises a document under a root element (XML) or as a JSON object wrapped in that key. */
export function serialize(doc: Doc, format: Format, root: 'request' | 'response' = 'request'): string {
  if (format === 'json') return JSON.stringify(root === 'response' ? { response: doc } : doc);
  return `<?xml version="1.0" encoding="utf-8"?>${builder.build({ [root]: doc }) as string}`;
}

/** What a Qimen response says. */
export interface Envelope {
  flag: 'success' | 'failure';
  code: string;
  message: string;
  [field: string]: unknown;
}

export const success = (fields: Doc = {}, message = 'OK'): Envelope => ({
  flag: 'success',
  code: '0',
  message,
  ...fields,
});
export const failure = (code: string, message: string): Envelope => ({ flag: 'failure', code, message });

/** Reads a response envelope; a body that is not one reads as a failure. */
export function parseEnvelope(raw: string, format: Format): Envelope {
  try {
    const doc = parseBody(raw, format, 'response');
    const flag = text(doc.flag);
    return {
      ...doc,
      flag: flag === 'success' ? 'success' : 'failure',
      code: text(doc.code),
      message: text(doc.message),
    };
  } catch (e) {
    return failure('', `unreadable response: ${(e as Error).message}`);
  }
}

// ---- reading documents

/** A string field ('' when absent); numbers from JSON become their text. */
export function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/** A wrapper + item list (`orderLines/orderLine`): always an array, one item or many. */
export function list(wrapper: unknown, item: string): Doc[] {
  if (wrapper === undefined || wrapper === null || wrapper === '') return [];
  const inner = Array.isArray(wrapper) ? wrapper : (wrapper as Doc)[item];
  if (inner === undefined || inner === null || inner === '') return [];
  return (Array.isArray(inner) ? inner : [inner]).filter((x): x is Doc => !!x && typeof x === 'object');
}

export const obj = (v: unknown): Doc => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : {});

// ---- building requests (outbound, simulator, tests)

export interface SignedRequest {
  /** Path and query string to POST to (relative to the partner's endpoint). */
  query: Record<string, string>;
  body: string;
  contentType: string;
}

/** System parameters + body + signature for one call. */
export function buildRequest(opts: {
  method: string;
  appKey: string;
  customerId: string;
  secret: string;
  sign: SignOptions;
  /** The document, or a body already serialised (a retry sends the same bytes, signed afresh). */
  doc: Doc | string;
  format?: Format;
  at?: number;
  extra?: Record<string, string>;
}): SignedRequest {
  const format = opts.format ?? 'xml';
  const body = typeof opts.doc === 'string' ? opts.doc : serialize(opts.doc, format, 'request');
  const query: Record<string, string> = {
    method: fullMethod(opts.method),
    app_key: opts.appKey,
    customerId: opts.customerId,
    format,
    timestamp: formatTimestamp(opts.at ?? Date.now()),
    v: '2.0',
    sign_method: opts.sign.method,
    ...opts.extra,
  };
  query.sign = sign(query, body, opts.secret, opts.sign);
  return {
    query,
    body,
    contentType: format === 'json' ? 'application/json;charset=utf-8' : 'text/xml;charset=utf-8',
  };
}

/** `endpoint?query` with the values URL-encoded (the timestamp's space too). */
export function urlWithQuery(endpoint: string, query: Record<string, string>): string {
  const url = new URL(endpoint);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}

/** Sends a signed request and reads the envelope. Network errors and non-2xx become failures. */
export async function post(
  endpoint: string,
  req: SignedRequest,
  timeoutMs = 10_000,
): Promise<{ envelope: Envelope; status: number; raw: string }> {
  const format = (req.query.format as Format) ?? 'xml';
  try {
    const res = await fetch(urlWithQuery(endpoint, req.query), {
      method: 'POST',
      headers: { 'content-type': req.contentType },
      body: req.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const raw = await res.text();
    if (!res.ok) return { envelope: failure(String(res.status), `HTTP ${res.status}`), status: res.status, raw };
    return { envelope: parseEnvelope(raw, format), status: res.status, raw };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return { envelope: failure('', `unreachable: ${cause ?? (e as Error).message}`), status: 0, raw: '' };
  }
}
