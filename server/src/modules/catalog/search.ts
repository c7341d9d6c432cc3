/**
 * Chinese has no spaces between words, and PostgreSQL's parsers do not split it. Documents are
 * indexed as their CJK characters and overlapping character pairs (bigrams) plus lower-cased
 * Latin words and numbers, with the `simple` configuration; a query must match all of its own
 * pairs (or its single character). "红茶" finds "正山小种红茶礼盒", and "T恤" finds "纯棉T恤".
 */
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const RUN = /[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;

function runs(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(RUN) ?? [];
}

/** Tokens for the document side: every CJK character and bigram, every Latin word. */
export function documentTokens(...texts: (string | null | undefined)[]): string {
  const out = new Set<string>();
  for (const run of runs(texts.filter(Boolean).join(' '))) {
    if (!CJK.test(run[0]!)) {
      out.add(run);
      continue;
    }
    const chars = [...run];
    chars.forEach((c, i) => {
      out.add(c);
      if (i + 1 < chars.length) out.add(c + chars[i + 1]);
    });
  }
  return [...out].join(' ');
}

/** Tokens a query must all match; empty when the query has nothing searchable. */
export function queryTokens(query: string): string[] {
  const out = new Set<string>();
  for (const run of runs(query)) {
    if (!CJK.test(run[0]!)) {
      out.add(run);
      continue;
    }
    const chars = [...run];
    if (chars.length === 1) out.add(chars[0]!);
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]);
  }
  return [...out];
}

/** A tsquery text for `to_tsquery('simple', …)`: tokens are letters, digits and CJK only. */
export function toTsQuery(query: string): string | null {
  const tokens = queryTokens(query);
  return tokens.length ? tokens.map((t) => `'${t}'`).join(' & ') : null;
}
