import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../../../test/app.js';
import { customers } from './index.js';
import { segmentBitmap } from './segments.js';

let p: TestPlatform;
let owner: Awaited<ReturnType<TestPlatform['shopOwner']>>;
const nos: number[] = [];
const devices: string[] = [];
let seq = 0;
const eventId = () => `s${Date.now().toString(36)}${(seq++).toString(36).padStart(6, '0')}`;

/** 60 anonymous visitors; every third is a woman, every fifth favours a product. */
beforeAll(async () => {
  p = await createTestPlatform();
  owner = await p.shopOwner();
  for (let i = 0; i < 60; i++) {
    const events = [{ id: eventId(), type: 'page_view', shopId: owner.shopId }];
    if (i % 5 === 0)
      events.push({ id: eventId(), type: 'favourite', shopId: owner.shopId, props: { productId: 'prd_fav' } } as never);
    devices.push(`device-${i}-${Date.now()}`);
    const res = await p.client().post('/api/beacon', { deviceId: devices[i], events });
    expect(res.body.accepted).toBe(events.length);
  }
  const list = await owner.client.get(`/api/shops/${owner.shopId}/customers?limit=100`);
  nos.push(...list.body.items.map((c: { customerNo: number }) => c.customerNo).sort((a: number, b: number) => a - b));
  expect(nos).toHaveLength(60);
  for (const [i, no] of nos.entries()) {
    const r = await owner.client.patch(`/api/shops/${owner.shopId}/customers/${no}`, {
      gender: i % 3 === 0 ? 'female' : 'male',
      ageBand: i % 2 === 0 ? '25-29' : '30-34',
    });
    expect(r.status).toBe(200);
  }
  await p.settle();
});

const url = (path: string) => `/api/shops/${owner.shopId}${path}`;
const women = { kind: 'tag', tagId: 'sys.gender', value: 'female' };
const favouritedRecently = { kind: 'behaviour', event: 'favourite', withinDays: 30 };

describe('segments', () => {
  it('previews a three-clause rule with the live count', async () => {
    const rule = {
      kind: 'and',
      rules: [
        women,
        { kind: 'not', rule: { kind: 'tag', tagId: 'sys.age', value: '30-34' } },
        { kind: 'tag', tagId: 'sys.visitor', value: 'yes' },
      ],
    };
    const res = await owner.client.post(url('/customer-segments/preview'), { rule });
    expect(res.status).toBe(200);
    const expected = nos.filter((_, i) => i % 3 === 0 && i % 2 === 0).length;
    expect(res.body).toEqual({ count: expected, total: 60 });

    const either = await owner.client.post(url('/customer-segments/preview'), {
      rule: { kind: 'or', rules: [women, favouritedRecently] },
    });
    expect(either.body.count).toBe(nos.filter((_, i) => i % 3 === 0 || i % 5 === 0).length);
  });

  it('refuses unknown tags, unknown values and bad windows, naming the field', async () => {
    const res = await owner.client.post(url('/customer-segments/preview'), {
      rule: {
        kind: 'and',
        rules: [
          women,
          { kind: 'tag', tagId: 'ctag_nosuchtag', value: 'yes' },
          { kind: 'tag', tagId: 'sys.gender', value: 'robot' },
          { kind: 'behaviour', event: 'favourite', withinDays: 400 },
          { kind: 'attribute', field: 'spend', op: 'in', value: 'x' },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('customers.invalid_rule');
    expect(res.body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ['body.rule.rules.1.tagId', 'unknown_tag'],
      ['body.rule.rules.2.value', 'unknown_tag_value'],
      ['body.rule.rules.3.withinDays', 'invalid_window'],
      ['body.rule.rules.4.op', 'invalid_operator'],
      ['body.rule.rules.4.value', 'invalid_attribute_value'],
    ]);
    const saved = await owner.client.post(url('/customer-segments'), {
      name: 'bad',
      rule: { kind: 'behaviour', event: 'favourite', withinDays: 0 },
    });
    expect(saved.status).toBe(400);
    expect(saved.body.errors[0].field).toBe('body.rule.withinDays');
  });

  it('a saved segment stays fresh, answers membership, snapshots and exports', async () => {
    const created = await owner.client.post(url('/customer-segments'), { name: '女性访客', rule: women });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const womenNos = nos.filter((_, i) => i % 3 === 0);
    expect(created.body.members).toBe(womenNos.length);
    expect(await customers.listSegments(p.db, owner.shopId)).toContainEqual({
      id,
      name: '女性访客',
      count: womenNos.length,
    });
    const inSeg = await customers.segmentMembership(owner.shopId, womenNos[0]!, [id, 'seg_other']);
    expect([...inSeg]).toEqual([id]);
    expect((await customers.segmentMembership(owner.shopId, nos[1]!, [id])).size).toBe(0);

    const snap = await owner.client.post(url(`/customer-segments/${id}/snapshots`));
    expect(snap.status).toBe(201);

    // A man becomes a woman on his profile: the segment follows after the refresh; the snapshot does not.
    await owner.client.patch(url(`/customers/${nos[1]}`), { gender: 'female' });
    await p.settle();
    const fresh = await owner.client.get(url(`/customer-segments/${id}`));
    expect(fresh.body.members).toBe(womenNos.length + 1);
    expect((await customers.segmentMembership(owner.shopId, nos[1]!, [id])).has(id)).toBe(true);

    const csv = await owner.client.get(url(`/customer-segments/${id}/export`));
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = String(csv.body).trim().split('\n');
    expect(lines[0]).toMatch(/^customer_no,account_id,gender/);
    expect(lines).toHaveLength(womenNos.length + 2);
    const frozen = await owner.client.get(url(`/customer-segments/${id}/export?snapshotId=${snap.body.id}`));
    expect(String(frozen.body).trim().split('\n')).toHaveLength(womenNos.length + 1);
    await owner.client.patch(url(`/customers/${nos[1]}`), { gender: 'male' });
    await p.settle();
  });

  it('rule tags are kept fresh and usable in segments; tags in use cannot be deleted', async () => {
    const tag = await owner.client.post(url('/customer-tags'), {
      kind: 'rule',
      name: '近 30 天收藏',
      rule: favouritedRecently,
    });
    expect(tag.status).toBe(201);
    expect(tag.body.members).toBe(nos.filter((_, i) => i % 5 === 0).length);
    const seg = await owner.client.post(url('/customer-segments'), {
      name: '收藏的女性',
      rule: { kind: 'and', rules: [women, { kind: 'tag', tagId: tag.body.id, value: 'yes' }] },
    });
    expect(seg.body.members).toBe(nos.filter((_, i) => i % 15 === 0).length);
    const del = await owner.client.delete(url(`/customer-tags/${tag.body.id}`));
    expect(del.status).toBe(409);
    expect(del.body.code).toBe('customers.tag_in_use');
    // A new favourite by customer index 3 (a woman) moves both the tag and the segment.
    await p.client().post('/api/beacon', {
      deviceId: devices[3],
      events: [{ id: eventId(), type: 'favourite', shopId: owner.shopId, props: { productId: 'prd_new' } }],
    });
    await p.settle();
    const tags = await owner.client.get(url('/customer-tags'));
    const mine = tags.body.items.find((t: { id: string }) => t.id === tag.body.id);
    expect(mine.values[0].members).toBe(nos.filter((_, i) => i % 5 === 0).length + 1);
    const after = await owner.client.get(url(`/customer-segments/${seg.body.id}`));
    expect(after.body.members).toBe(nos.filter((_, i) => i % 15 === 0).length + 1);
  });

  it('CSV import: line errors import nothing unless partial', async () => {
    const tag = await owner.client.post(url('/customer-tags'), { kind: 'manual', name: 'VIP 名单' });
    const csv = ['customer_no', String(nos[0]), '', 'not-an-id!', '99999', String(nos[1])].join('\n');
    const strict = await owner.client.post(url(`/customer-tags/${tag.body.id}/import`), { csv });
    expect(strict.status).toBe(400);
    expect(strict.body.code).toBe('customers.import_failed');
    expect(strict.body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ['body.csv.line.3', 'csv_empty_line'],
      ['body.csv.line.4', 'csv_bad_id'],
      ['body.csv.line.5', 'csv_unknown'],
    ]);
    const tags = await owner.client.get(url('/customer-tags'));
    const vip = tags.body.items.find((t: { id: string }) => t.id === tag.body.id);
    expect(vip.values[0].members).toBe(0);

    const partial = await owner.client.post(url(`/customer-tags/${tag.body.id}/import`), { csv, partial: true });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ imported: 2, members: 2 });
    expect(partial.body.errors).toHaveLength(3);

    const edited = await owner.client.post(url(`/customer-tags/${tag.body.id}/members`), {
      add: [nos[2]],
      remove: [nos[0]],
    });
    expect(edited.body.members).toBe(2);
    const unknown = await owner.client.post(url(`/customer-tags/${tag.body.id}/members`), { add: [987654] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('body.add.0');
  });

  it('look-alike reports AUC; RFM clusters; portrait with TGI', async () => {
    const seed = await owner.client.post(url('/customer-segments'), { name: '收藏者', rule: favouritedRecently });
    const la = await owner.client.post(url('/customer-segments/lookalike'), {
      seedSegmentId: seed.body.id,
      name: '收藏者相似',
      size: 10,
    });
    expect(la.status).toBe(201);
    expect(la.body.kind).toBe('lookalike');
    expect(la.body.members).toBe(10);
    expect(typeof la.body.model.auc).toBe('number');
    // Favourites are a feature, so the seed is separable on held-out customers.
    expect(la.body.model.auc).toBeGreaterThan(0.9);
    expect(la.body.model.seedMembers).toBe(seed.body.members);
    // Only customers outside the seed are added.
    const [added, seeded] = await Promise.all([
      segmentBitmap(p.db, owner.shopId, la.body.id),
      segmentBitmap(p.db, owner.shopId, seed.body.id),
    ]);
    expect([...added].filter((no) => seeded.has(no))).toEqual([]);

    const tiny = await owner.client.post(url('/customer-segments'), {
      name: '收藏的女性 2',
      rule: { kind: 'and', rules: [women, favouritedRecently] },
    });
    expect(tiny.body.members).toBe(5);
    const tooSmall = await owner.client.post(url('/customer-segments/lookalike'), {
      seedSegmentId: tiny.body.id,
      name: 'x',
      size: 5,
    });
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.body.errors[0].field).toBe('body.seedSegmentId');

    const clusters = await owner.client.post(url('/customer-segments/rfm-clusters'), { k: 3 });
    expect(clusters.status).toBe(200);
    expect(clusters.body.buyers).toBe(0); // nobody bought in this shop

    const insight = await owner.client.get(url(`/customer-insight?segmentId=${seed.body.id}`));
    expect(insight.status).toBe(200);
    expect(insight.body.total).toBe(60);
    const gender = insight.body.dimensions.find((d: { dimension: string }) => d.dimension === 'sys.gender');
    const female = gender.values.find((v: { value: string }) => v.value === 'female');
    // Seed: indexes 0,5,…,55 and 3 (13); women among them: 0,15,30,45 and 3 (5). All: 20 women of 60.
    expect(insight.body.members).toBe(13);
    expect(female.members).toBe(5);
    expect(female.tgi).toBe(Math.round((5 / 13 / (20 / 60)) * 100));
    const view = await owner.client.get(url('/customer-insight?view=visitors'));
    expect(view.body.members).toBe(60);
  });
});
