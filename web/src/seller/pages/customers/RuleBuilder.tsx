import { DeleteOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useT } from '../../i18n';
import type { CustomerTag, Rule } from './queries';

type Group = Extract<Rule, { kind: 'and' | 'or' }>;
type Leaf = Exclude<Rule, { kind: 'and' | 'or' | 'not' }>;

const ATTRIBUTES = {
  orderCount: 'number',
  spend: 'number',
  averageOrderValue: 'number',
  visitDays: 'number',
  favourites: 'number',
  addToCarts: 'number',
  daysSinceLastSeen: 'number',
  daysSinceLastOrder: 'number',
  daysSinceFirstSeen: 'number',
  following: 'boolean',
  gender: 'text',
  ageBand: 'text',
  region: 'text',
  tier: 'text',
  topCategory: 'text',
} as const;
type Field = keyof typeof ATTRIBUTES;
const OPS = { number: ['gte', 'gt', 'eq', 'lte', 'lt', 'ne'], text: ['eq', 'ne', 'in'], boolean: ['eq'] } as const;
const EVENTS = [
  'product_view',
  'add_to_cart',
  'favourite',
  'order_paid',
  'page_view',
  'search',
  'follow',
  'placement_click',
] as const;

export const emptyRule = (): Group => ({ kind: 'and', rules: [] });

/** A rule is ready to count when every group has a condition. */
export function isComplete(rule: Rule): boolean {
  if (rule.kind === 'and' || rule.kind === 'or') return rule.rules.length > 0 && rule.rules.every(isComplete);
  if (rule.kind === 'not') return isComplete(rule.rule);
  if (rule.kind === 'tag') return !!rule.tagId && !!rule.value;
  return true;
}

/** The AND / OR / NOT editor over tags, attributes and behaviour. */
export function RuleBuilder({
  value,
  onChange,
  tags,
}: {
  value: Group;
  onChange: (g: Group) => void;
  tags: CustomerTag[];
}) {
  return <GroupEditor group={value} onChange={onChange} tags={tags} depth={0} />;
}

function GroupEditor({
  group,
  onChange,
  tags,
  depth,
  onRemove,
}: {
  group: Group;
  onChange: (g: Group) => void;
  tags: CustomerTag[];
  depth: number;
  onRemove?: () => void;
}) {
  const t = useT();
  const set = (i: number, r: Rule) => onChange({ ...group, rules: group.rules.map((x, j) => (j === i ? r : x)) });
  const remove = (i: number) => onChange({ ...group, rules: group.rules.filter((_, j) => j !== i) });
  const add = (r: Rule) => onChange({ ...group, rules: [...group.rules, r] });
  const firstTag = tags.find((x) => x.id === 'sys.gender') ?? tags[0];
  return (
    <Card
      size="small"
      data-testid={`rule-group-${depth}`}
      style={{ background: depth % 2 ? '#fafafa' : undefined }}
      title={
        <Select
          size="small"
          value={group.kind}
          data-testid="rule-group-kind"
          style={{ width: 200 }}
          onChange={(kind: 'and' | 'or') => onChange({ ...group, kind })}
          options={[
            { value: 'and', label: t('builder.all') },
            { value: 'or', label: t('builder.any') },
          ]}
        />
      }
      extra={
        onRemove ? (
          <Button
            size="small"
            type="text"
            icon={<DeleteOutlined />}
            onClick={onRemove}
            aria-label={t('builder.remove')}
          />
        ) : null
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        {group.rules.map((r, i) => {
          const excluded = r.kind === 'not';
          const inner = r.kind === 'not' ? r.rule : r;
          const wrap = (x: Rule): Rule => (excluded ? { kind: 'not', rule: x } : x);
          return (
            <div key={i} style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }} data-testid="rule-row">
              <Checkbox
                checked={excluded}
                data-testid="rule-exclude"
                onChange={(e) => set(i, e.target.checked ? { kind: 'not', rule: inner } : inner)}
                style={{ paddingTop: 4, whiteSpace: 'nowrap' }}
              >
                {t('builder.exclude')}
              </Checkbox>
              <div style={{ flex: 1 }}>
                {inner.kind === 'and' || inner.kind === 'or' ? (
                  <GroupEditor
                    group={inner}
                    tags={tags}
                    depth={depth + 1}
                    onChange={(g) => set(i, wrap(g))}
                    onRemove={() => remove(i)}
                  />
                ) : (
                  <Space wrap>
                    <LeafEditor leaf={inner as Leaf} tags={tags} onChange={(l) => set(i, wrap(l))} />
                    <Button
                      size="small"
                      type="text"
                      icon={<DeleteOutlined />}
                      onClick={() => remove(i)}
                      aria-label={t('builder.remove')}
                    />
                  </Space>
                )}
              </div>
            </div>
          );
        })}
        <Space wrap>
          <Button
            size="small"
            data-testid="rule-add-tag"
            onClick={() =>
              add({ kind: 'tag', tagId: firstTag?.id ?? 'sys.all', value: firstTag?.values[0]?.value ?? 'all' })
            }
          >
            {t('builder.addTag')}
          </Button>
          <Button
            size="small"
            data-testid="rule-add-attribute"
            onClick={() => add({ kind: 'attribute', field: 'orderCount', op: 'gte', value: 1 })}
          >
            {t('builder.addAttribute')}
          </Button>
          <Button
            size="small"
            data-testid="rule-add-behaviour"
            onClick={() => add({ kind: 'behaviour', event: 'product_view', withinDays: 30, minCount: 1 })}
          >
            {t('builder.addBehaviour')}
          </Button>
          {depth < 3 ? (
            <Button size="small" data-testid="rule-add-group" onClick={() => add({ kind: 'or', rules: [] })}>
              {t('builder.addGroup')}
            </Button>
          ) : null}
        </Space>
      </Space>
    </Card>
  );
}

function LeafEditor({ leaf, onChange, tags }: { leaf: Leaf; onChange: (l: Leaf) => void; tags: CustomerTag[] }) {
  const t = useT();
  if (leaf.kind === 'tag') {
    const tag = tags.find((x) => x.id === leaf.tagId);
    return (
      <Space wrap>
        <Typography.Text type="secondary">{t('builder.tag')}</Typography.Text>
        <Select
          showSearch
          optionFilterProp="label"
          data-testid="rule-tag"
          style={{ width: 180 }}
          value={leaf.tagId}
          onChange={(tagId: string) =>
            onChange({ kind: 'tag', tagId, value: tags.find((x) => x.id === tagId)?.values[0]?.value ?? '' })
          }
          options={tags.map((x) => ({ value: x.id, label: x.name }))}
        />
        <Select
          showSearch
          optionFilterProp="label"
          data-testid="rule-tag-value"
          style={{ width: 200 }}
          value={leaf.value}
          onChange={(value: string) => onChange({ ...leaf, value })}
          options={(tag?.values ?? []).map((v) => ({ value: v.value, label: `${v.label} (${v.members})` }))}
        />
      </Space>
    );
  }
  if (leaf.kind === 'attribute') {
    const type = ATTRIBUTES[leaf.field as Field];
    const ops = OPS[type] as readonly ('eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in')[];
    return (
      <Space wrap>
        <Typography.Text type="secondary">{t('builder.field')}</Typography.Text>
        <Select
          data-testid="rule-attribute"
          style={{ width: 180 }}
          value={leaf.field}
          onChange={(field: Field) => {
            const kind = ATTRIBUTES[field];
            onChange({
              kind: 'attribute',
              field,
              op: OPS[kind][0],
              value: kind === 'number' ? 1 : kind === 'boolean' ? true : '',
            });
          }}
          options={(Object.keys(ATTRIBUTES) as Field[]).map((f) => ({ value: f, label: t(`builder.attr.${f}`) }))}
        />
        <Select
          style={{ width: 110 }}
          value={leaf.op}
          onChange={(op: typeof leaf.op) =>
            onChange({
              ...leaf,
              op,
              value: op === 'in' ? [] : type === 'text' && Array.isArray(leaf.value) ? '' : leaf.value,
            })
          }
          options={ops.map((o) => ({ value: o, label: t(`builder.op.${o}`) }))}
        />
        {type === 'number' ? (
          <InputNumber
            data-testid="rule-attribute-value"
            value={leaf.value as number}
            onChange={(v) => onChange({ ...leaf, value: Number(v ?? 0) })}
          />
        ) : type === 'boolean' ? (
          <Select
            style={{ width: 90 }}
            value={leaf.value ? 'yes' : 'no'}
            onChange={(v: string) => onChange({ ...leaf, value: v === 'yes' })}
            options={[
              { value: 'yes', label: t('cust.yes') },
              { value: 'no', label: t('cust.no') },
            ]}
          />
        ) : leaf.op === 'in' ? (
          <Select
            mode="tags"
            style={{ minWidth: 200 }}
            value={leaf.value as string[]}
            onChange={(v: string[]) => onChange({ ...leaf, value: v })}
          />
        ) : (
          <Input
            style={{ width: 160 }}
            value={leaf.value as string}
            onChange={(e) => onChange({ ...leaf, value: e.target.value })}
          />
        )}
      </Space>
    );
  }
  const categories = tags.find((x) => x.id === 'sys.category')?.values ?? [];
  return (
    <Space wrap>
      <Typography.Text type="secondary">{t('builder.event')}</Typography.Text>
      <Select
        data-testid="rule-event"
        style={{ width: 140 }}
        value={leaf.event}
        onChange={(event: (typeof EVENTS)[number]) => onChange({ ...leaf, event })}
        options={EVENTS.map((e) => ({ value: e, label: t(`cust.event.${e}`) }))}
      />
      <InputNumber
        data-testid="rule-window"
        min={1}
        max={365}
        value={leaf.withinDays}
        onChange={(v) => onChange({ ...leaf, withinDays: Number(v ?? 30) })}
        addonAfter={t('builder.days')}
        style={{ width: 130 }}
      />
      <InputNumber
        min={1}
        value={leaf.minCount ?? 1}
        onChange={(v) => onChange({ ...leaf, minCount: Number(v ?? 1) })}
        addonBefore={t('builder.atLeast')}
        addonAfter={t('builder.times')}
        style={{ width: 170 }}
      />
      <Select
        allowClear
        placeholder={t('builder.category')}
        style={{ width: 160 }}
        value={leaf.categoryId}
        onChange={(categoryId?: string) => onChange({ ...leaf, categoryId: categoryId || undefined })}
        options={categories.map((c) => ({ value: c.value, label: c.label }))}
      />
    </Space>
  );
}
