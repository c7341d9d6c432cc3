import { z } from 'zod';
import type { Db } from '../../kernel/db/pool.js';
import type { Locale } from '../../kernel/http/i18n.js';
import { catalog } from '../catalog/index.js';
import { emptyBitmap, type Bitmap } from './bitmaps.js';
import { segmentBitmap } from './segments.js';
import { tagCache, tagKey } from './store.js';
import { SYSTEM_TAGS } from './system-tags.js';

/** Ready views: audiences every shop has, as tag values. */
export const READY_VIEWS = {
  all: ['sys.all', 'all'],
  visitors: ['sys.visitor', 'yes'],
  buyers: ['sys.buyer', 'yes'],
  churned: ['sys.lifecycle', 'churned'],
} as const;

export const insightQuery = z.object({
  segmentId: z.string().max(64).optional(),
  view: z.enum(['all', 'visitors', 'buyers', 'churned']).optional().describe('a ready view (default: all customers)'),
});

/** The dimensions of a portrait: system tags, largest values first for open-ended ones. */
const DIMENSIONS = [
  'sys.gender',
  'sys.age',
  'sys.region',
  'sys.tier',
  'sys.rfm',
  'sys.lifecycle',
  'sys.category',
  'sys.price',
];
const TOP_OPEN_VALUES = 12;

interface CategoryNode {
  id: string;
  name: string;
  children: CategoryNode[];
}
const flatten = (nodes: CategoryNode[], out = new Map<string, string>()) => {
  for (const n of nodes) {
    out.set(n.id, n.name);
    flatten(n.children, out);
  }
  return out;
};

/**
 * A segment's portrait: for every value of gender, age band, region, tier, RFM level,
 * lifecycle, category preference and price band, its share in the segment against its share
 * among all customers, and TGI = 100 × the ratio. Pure bitmap intersections, from memory.
 */
export async function portrait(db: Db, shopId: string, q: z.infer<typeof insightQuery>, locale: Locale) {
  const tags = await tagCache.fresh(shopId, db);
  const all = tags.get(tagKey('sys.all', 'all'))?.bitmap ?? emptyBitmap();
  let target: Bitmap;
  let name: string;
  if (q.segmentId) {
    target = await segmentBitmap(db, shopId, q.segmentId);
    name = `segment:${q.segmentId}`;
  } else {
    const [tagId, value] = READY_VIEWS[q.view ?? 'all'];
    target = tags.get(tagKey(tagId, value))?.bitmap ?? emptyBitmap();
    name = `view:${q.view ?? 'all'}`;
  }
  const categoryNames = flatten((await catalog.platformCategoryTree(db, locale)) as CategoryNode[]);
  const dimensions = DIMENSIONS.map((dimension) => {
    const def = SYSTEM_TAGS[dimension]!;
    const values = [...tags]
      .filter(([key]) => key.startsWith(`${dimension}=`))
      .map(([key, e]) => {
        const value = key.slice(dimension.length + 1);
        const members = target.andCardinality(e.bitmap);
        const share = target.size ? members / target.size : 0;
        const baseShare = all.size ? e.bitmap.size / all.size : 0;
        return {
          value,
          label:
            def.values?.[value]?.[locale] ??
            (dimension === 'sys.category' ? (categoryNames.get(value) ?? value) : value),
          members,
          share,
          baseShare,
          tgi: baseShare > 0 && target.size > 0 ? Math.round((share / baseShare) * 100) : null,
        };
      })
      .filter((v) => v.members > 0 || v.baseShare > 0);
    const fixed = def.values ? Object.keys(def.values) : null;
    values.sort((a, b) => (fixed ? fixed.indexOf(a.value) - fixed.indexOf(b.value) : b.members - a.members));
    return { dimension, name: def.name[locale], values: fixed ? values : values.slice(0, TOP_OPEN_VALUES) };
  });
  return { target: name, members: target.size, total: all.size, dimensions };
}
