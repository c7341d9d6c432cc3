/** A small HTTP client with a cookie jar and the CSRF header, for seeding through the real API. */
export class ApiClient {
  private readonly cookies = new Map<string, string>();
  private csrf?: string;

  constructor(private readonly base: string) {}

  /** Sets a cookie as if the server had sent it (a session made outside HTTP). */
  setCookie(name: string, value: string): this {
    this.cookies.set(name, value);
    return this;
  }

  /** The `Cookie` header this client sends. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    if (method !== 'GET' && this.csrf === undefined) {
      this.csrf = (await this.request<{ token: string }>('GET', '/api/auth/csrf')).token;
    }
    const headers: Record<string, string> = { 'accept-language': 'en-US' };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrf) headers['x-csrf-token'] = this.csrf;
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T = unknown>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
}
