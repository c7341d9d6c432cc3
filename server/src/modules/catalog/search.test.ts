import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentTokens, queryTokens, toTsQuery } from './search.js';

describe('Chinese-aware search tokens', () => {
  it('indexes characters, bigrams and Latin words', () => {
    expect(documentTokens('纯棉T恤 Summer')).toBe('纯 纯棉 棉 t 恤 summer');
    expect(queryTokens('红茶 礼盒')).toEqual(['红茶', '礼盒']);
    expect(queryTokens('茶')).toEqual(['茶']);
    expect(toTsQuery('  !!! ')).toBeNull();
  });

  it('every substring of a title is found by its own query tokens', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'正山小种红茶礼盒纯棉恤衫abc12 '), minLength: 1, maxLength: 20 }),
        fc.nat(),
        fc.nat(),
        (title, a, b) => {
          const chars = [...title];
          const start = a % chars.length;
          const end = start + 1 + (b % (chars.length - start));
          const doc = new Set(documentTokens(title).split(' '));
          const q = queryTokens(chars.slice(start, end).join(''));
          // Latin runs cut mid-word are not words of the document; the CJK side must always match.
          const cjk = q.filter((t) => /[\u4e00-\u9fff]/.test(t));
          for (const t of cjk) expect(doc.has(t)).toBe(true);
        },
      ),
    );
  });
});
