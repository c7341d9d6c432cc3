export const LOCALES = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof LOCALES)[number];
export type Messages = Record<string, Record<Locale, string>>;

const catalogue = new Map<string, Record<Locale, string>>();

/** Modules register the human messages for their error codes and notices here. */
export function defineMessages<M extends Messages>(messages: M): M {
  for (const [code, text] of Object.entries(messages)) catalogue.set(code, text);
  return messages;
}

export const isMessageCode = (code: string) => catalogue.has(code);

/** `{name}` placeholders are filled from params. Unknown codes fall back to the code itself. */
export function translate(code: string, locale: Locale, params: Record<string, unknown> = {}): string {
  const text = catalogue.get(code)?.[locale] ?? code;
  return text.replace(/\{(\w+)\}/g, (_, k: string) => (k in params ? String(params[k]) : `{${k}}`));
}

/** zh-CN unless the client prefers English (or any other non-Chinese language) first. */
export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'zh-CN';
  const first = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.find((r) => r.trim().startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((l) => l.tag && l.q > 0)
    .sort((a, b) => b.q - a.q)[0];
  if (!first || first.tag === '*') return 'zh-CN';
  return first.tag.startsWith('zh') ? 'zh-CN' : 'en-US';
}
