import { defineMessages } from './i18n.js';

export interface FieldError {
  /** Dotted path of the field in the request, e.g. `body.email` or `query.limit`. */
  field: string;
  code: string;
  /** A message code (translated) or text. */
  message: string;
  /** Values for the message's placeholders. */
  params?: Record<string, unknown>;
}

/**
 * The one error type. Thrown anywhere; the HTTP layer turns it into RFC 9457
 * `application/problem+json` with `code`, a message in the request's language and field errors.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly params: Record<string, unknown> = {},
    readonly fields: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
  }
}

export const notFound = (what = 'resource') => new AppError(404, 'not_found', { what });
export const forbidden = () => new AppError(403, 'forbidden');
export const unauthenticated = () => new AppError(401, 'unauthenticated');
export const conflict = (code: string, params: Record<string, unknown> = {}) => new AppError(409, code, params);
export const badRequest = (code: string, fields: FieldError[] = [], params: Record<string, unknown> = {}) =>
  new AppError(400, code, params, fields);

defineMessages({
  validation_failed: {
    'zh-CN': '请求参数有误，请检查标出的字段',
    'en-US': 'Some fields are invalid; see the errors listed',
  },
  unauthenticated: { 'zh-CN': '请先登录', 'en-US': 'Please sign in first' },
  forbidden: { 'zh-CN': '你没有权限执行此操作', 'en-US': 'You do not have permission to do this' },
  not_found: { 'zh-CN': '找不到该资源', 'en-US': 'Not found' },
  route_not_found: { 'zh-CN': '接口不存在', 'en-US': 'No such endpoint' },
  rate_limited: {
    'zh-CN': '请求过于频繁，请 {seconds} 秒后再试',
    'en-US': 'Too many requests; try again in {seconds} seconds',
  },
  csrf_invalid: {
    'zh-CN': '页面已过期，请刷新后重试（CSRF 校验失败）',
    'en-US': 'The page has expired; reload and try again (CSRF check failed)',
  },
  idempotency_key_reused: {
    'zh-CN': '该 Idempotency-Key 已用于另一个请求',
    'en-US': 'This Idempotency-Key was already used for a different request',
  },
  idempotency_in_progress: {
    'zh-CN': '相同 Idempotency-Key 的请求正在处理中',
    'en-US': 'A request with this Idempotency-Key is still being processed',
  },
  payload_too_large: { 'zh-CN': '请求内容过大', 'en-US': 'The request body is too large' },
  unsupported_media_type: { 'zh-CN': '不支持的内容类型', 'en-US': 'Unsupported content type' },
  internal_error: { 'zh-CN': '服务器内部错误，请稍后再试', 'en-US': 'Internal server error; please try again later' },
  service_unavailable: { 'zh-CN': '服务暂不可用', 'en-US': 'Service unavailable' },
});
