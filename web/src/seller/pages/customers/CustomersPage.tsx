import {
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { PageHeader } from '../../../shared/antd/components';
import { useT } from '../../i18n';
import { formatFen } from '../../money';
import { useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import {
  type Customer,
  type CustomerFilters,
  useCustomer,
  useCustomers,
  useSegments,
  useTags,
  useUpdateCustomer,
} from './queries';

const AGE_BANDS = ['18-24', '25-29', '30-34', '35-39', '40-49', '50+'];

/** The shop's customers with their attributes; filters by attribute, tag or segment. */
export function CustomersPage() {
  const t = useT();
  const locale = useLocale();
  const { shop } = useCurrentShop();
  const [params, setParams] = useSearchParams();
  const filters: CustomerFilters = Object.fromEntries(
    ['q', 'gender', 'region', 'buyers', 'tag', 'segmentId'].flatMap((k) => (params.get(k) ? [[k, params.get(k)]] : [])),
  );
  const list = useCustomers(shop.id, filters);
  const segments = useSegments(shop.id);
  const tags = useTags(shop.id);
  const [open, setOpen] = useState<number | null>(null);
  const set = (k: keyof CustomerFilters, v?: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next);
  };
  if (list.isError && !list.data)
    return <ShopError error={list.error} shopId={shop.id} onRetry={() => void list.refetch()} />;
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const regions = tags.data?.find((x) => x.id === 'sys.region')?.values ?? [];
  const tagLabel = (() => {
    if (!filters.tag) return null;
    const [id, value] = filters.tag.split('=');
    const tag = tags.data?.find((x) => x.id === id);
    return tag ? `${tag.name}: ${tag.values.find((v) => v.value === value)?.label ?? value}` : filters.tag;
  })();
  return (
    <div data-testid="customers-page">
      <PageHeader title={t('cust.title')} subtitle={t('cust.sub')} />
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder={t('cust.search')}
            defaultValue={filters.q}
            onSearch={(v) => set('q', v.trim())}
            style={{ width: 260 }}
          />
          <Select
            allowClear
            placeholder={t('cust.filter.gender')}
            style={{ width: 110 }}
            value={filters.gender}
            onChange={(v?: string) => set('gender', v)}
            options={[
              { value: 'female', label: t('cust.gender.female') },
              { value: 'male', label: t('cust.gender.male') },
            ]}
          />
          <Select
            allowClear
            showSearch
            placeholder={t('cust.filter.region')}
            style={{ width: 140 }}
            value={filters.region}
            onChange={(v?: string) => set('region', v)}
            options={regions.map((r) => ({ value: r.value, label: r.label }))}
          />
          <Select
            allowClear
            placeholder={t('cust.filter.buyers')}
            style={{ width: 130 }}
            value={filters.buyers}
            onChange={(v?: string) => set('buyers', v)}
            options={[
              { value: 'true', label: t('cust.filter.buyersYes') },
              { value: 'false', label: t('cust.filter.buyersNo') },
            ]}
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            placeholder={t('cust.filter.segment')}
            style={{ width: 220 }}
            value={filters.segmentId}
            onChange={(v?: string) => set('segmentId', v)}
            options={(segments.data ?? []).map((s) => ({ value: s.id, label: `${s.name} (${s.members})` }))}
          />
          {tagLabel ? (
            <Tag closable onClose={() => set('tag')} color="blue">
              {tagLabel}
            </Tag>
          ) : null}
        </Space>
        <Table<Customer>
          rowKey="customerNo"
          size="middle"
          loading={list.isPending}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: t('cust.empty') }}
          scroll={{ x: 1100 }}
          onRow={(c) => ({ onClick: () => setOpen(c.customerNo), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('cust.col.no'), dataIndex: 'customerNo', width: 90 },
            {
              title: t('cust.col.name'),
              key: 'name',
              render: (_, c) => c.displayName ?? t('cust.anonymous', { no: c.customerNo }),
            },
            {
              title: t('cust.col.gender'),
              dataIndex: 'gender',
              render: (g: string | null) => (g ? t(`cust.gender.${g as 'female' | 'male'}`) : '—'),
            },
            { title: t('cust.col.age'), dataIndex: 'ageBand', render: (v: string | null) => v ?? '—' },
            { title: t('cust.col.region'), dataIndex: 'region', render: (v: string | null) => v ?? '—' },
            { title: t('cust.col.tier'), dataIndex: 'tier', render: (v: string | null) => v ?? '—' },
            { title: t('cust.col.orders'), dataIndex: 'orderCount', align: 'right' },
            {
              title: t('cust.col.spend'),
              dataIndex: 'spend',
              align: 'right',
              render: (fen: number) => formatFen(fen, locale),
            },
            {
              title: t('cust.col.aov'),
              dataIndex: 'averageOrderValue',
              align: 'right',
              render: (fen: number) => (fen ? formatFen(fen, locale) : '—'),
            },
            {
              title: t('cust.col.lastSeen'),
              dataIndex: 'lastSeenAt',
              render: (at: string) => formatShortDateTime(at, locale),
            },
          ]}
        />
        {list.hasNextPage ? (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t('cust.more')}
            </Button>
          </div>
        ) : null}
      </Card>
      {open !== null ? <CustomerDrawer customerNo={open} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}

function CustomerDrawer({ customerNo, onClose }: { customerNo: number; onClose: () => void }) {
  const t = useT();
  const locale = useLocale();
  const { message } = App.useApp();
  const { shop } = useCurrentShop();
  const c = useCustomer(shop.id, customerNo);
  const tags = useTags(shop.id);
  const segments = useSegments(shop.id);
  const update = useUpdateCustomer(shop.id);
  const [form] = Form.useForm();
  const d = c.data;
  const tagName = (tagId: string, value: string) => {
    const tag = tags.data?.find((x) => x.id === tagId);
    if (!tag) return `${tagId}=${value}`;
    return tag.kind === 'system'
      ? `${tag.name}: ${tag.values.find((v) => v.value === value)?.label ?? value}`
      : tag.name;
  };
  return (
    <Drawer open width={560} title={t('cust.detail')} onClose={onClose} loading={c.isPending}>
      {d ? (
        <Space direction="vertical" style={{ width: '100%' }} size="large">
          <Descriptions column={2} size="small" bordered>
            <Descriptions.Item label={t('cust.col.name')} span={2}>
              {d.displayName ?? t('cust.anonymous', { no: d.customerNo })}
            </Descriptions.Item>
            <Descriptions.Item label={t('cust.col.orders')}>{d.orderCount}</Descriptions.Item>
            <Descriptions.Item label={t('cust.col.spend')}>{formatFen(d.spend, locale)}</Descriptions.Item>
            <Descriptions.Item label={t('cust.col.visitDays')}>{d.visitDays}</Descriptions.Item>
            <Descriptions.Item label={t('cust.col.following')}>
              {d.following ? t('cust.yes') : t('cust.no')}
            </Descriptions.Item>
            <Descriptions.Item label={t('cust.col.favourites')}>{d.favourites}</Descriptions.Item>
            <Descriptions.Item label={t('cust.col.carts')}>{d.addToCarts}</Descriptions.Item>
            <Descriptions.Item label={t('cust.col.firstSeen')}>
              {formatShortDateTime(d.firstSeenAt, locale)}
            </Descriptions.Item>
            <Descriptions.Item label={t('cust.col.lastOrder')}>
              {d.lastOrderAt ? formatShortDateTime(d.lastOrderAt, locale) : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('cust.col.category')} span={2}>
              {d.topCategory ?? '—'}
            </Descriptions.Item>
          </Descriptions>
          <div>
            <Typography.Title level={5}>{t('cust.edit')}</Typography.Title>
            <Form
              form={form}
              layout="inline"
              initialValues={{ gender: d.gender, ageBand: d.ageBand, region: d.region, tier: d.tier }}
              onFinish={(v) =>
                update.mutate(
                  {
                    customerNo,
                    body: {
                      gender: v.gender ?? null,
                      ageBand: v.ageBand ?? null,
                      region: v.region || null,
                      tier: v.tier || null,
                    },
                  },
                  {
                    onSuccess: () => void message.success(t('cust.saved')),
                    onError: (e) => void message.error((e as Error).message),
                  },
                )
              }
            >
              <Form.Item name="gender" label={t('cust.col.gender')}>
                <Select
                  allowClear
                  style={{ width: 90 }}
                  options={[
                    { value: 'female', label: t('cust.gender.female') },
                    { value: 'male', label: t('cust.gender.male') },
                  ]}
                />
              </Form.Item>
              <Form.Item name="ageBand" label={t('cust.col.age')}>
                <Select allowClear style={{ width: 100 }} options={AGE_BANDS.map((a) => ({ value: a, label: a }))} />
              </Form.Item>
              <Form.Item name="region" label={t('cust.col.region')}>
                <Input style={{ width: 110 }} maxLength={40} />
              </Form.Item>
              <Form.Item name="tier" label={t('cust.col.tier')}>
                <Input style={{ width: 110 }} maxLength={40} />
              </Form.Item>
              <Button htmlType="submit" type="primary" loading={update.isPending} style={{ marginTop: 8 }}>
                {t('cust.save')}
              </Button>
            </Form>
          </div>
          <div>
            <Typography.Title level={5}>{t('cust.tags')}</Typography.Title>
            <Space size={[4, 4]} wrap>
              {d.tags.map((x) => (
                <Tag key={`${x.tagId}=${x.value}`}>{tagName(x.tagId, x.value)}</Tag>
              ))}
            </Space>
          </div>
          <div>
            <Typography.Title level={5}>{t('cust.segments')}</Typography.Title>
            <Space size={[4, 4]} wrap>
              {d.segmentIds.map((id) => (
                <Tag key={id} color="orange">
                  {segments.data?.find((s) => s.id === id)?.name ?? id}
                </Tag>
              ))}
            </Space>
          </div>
          <div>
            <Typography.Title level={5}>{t('cust.events')}</Typography.Title>
            <Timeline
              items={d.events.map((e) => ({
                children: (
                  <span>
                    {formatShortDateTime(e.at, locale)} · {t(`cust.event.${e.type}` as 'cust.event.page_view')}
                    {typeof e.props.query === 'string' ? ` “${e.props.query}”` : ''}
                  </span>
                ),
              }))}
            />
          </div>
        </Space>
      ) : null}
    </Drawer>
  );
}
