import { WarningFilled } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Descriptions,
  Divider,
  Drawer,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { PageHeader } from '../../../shared/antd/components';
import { useUrlParams } from '../../components/useUrlParams';
import { type SellerT, useT } from '../../i18n';
import { hasPermission, useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import { ProductThumb } from '../products/ProductsPage';
import {
  ADJUST_REASONS,
  type AdjustReason,
  type Level,
  type StockGrid,
  type StockRow,
  useAdjust,
  useLedger,
  useLevelSettings,
  useLocations,
  useStock,
} from './api';

const KNOWN_REASONS = [
  'correction',
  'received',
  'damaged',
  'lost',
  'found',
  'returned',
  'adjust',
  'reserve',
  'release',
  'ship',
  'return',
  'transfer_out',
  'transfer_in',
  'stocktake',
] as const;

/** The ledger reason as people say it (reasons other modules write show as they are). */
export function reasonLabel(t: SellerT, reason: string): string {
  return (KNOWN_REASONS as readonly string[]).includes(reason)
    ? t(`reason.${reason as (typeof KNOWN_REASONS)[number]}`)
    : reason;
}

export function StockPage() {
  const t = useT();
  const membership = useCurrentShop();
  const shopId = membership.shop.id;
  const canWrite = hasPermission(membership, 'stock.write');
  const [params, update] = useUrlParams();
  const q = params.get('q') ?? '';
  const locationId = params.get('location') ?? undefined;
  const [search, setSearch] = useState(q);
  const stock = useStock(shopId, { q: q || undefined, locationId });
  const rows = useMemo(() => stock.data?.pages.flatMap((p) => p.items) ?? [], [stock.data]);
  const locations: StockGrid['locations'] = stock.data?.pages[0]?.locations ?? [];
  const [open, setOpen] = useState<{ row: StockRow; level: Level } | null>(null);
  const allLocations = useLocations(shopId).data ?? [];

  if (stock.isError && !stock.data)
    return <ShopError error={stock.error} shopId={shopId} onRetry={() => void stock.refetch()} />;

  const current = open ? (rows.find((r) => r.skuId === open.row.skuId) ?? open.row) : null;
  const currentLevel =
    open && current ? (current.levels.find((l) => l.locationId === open.level.locationId) ?? open.level) : null;

  return (
    <div data-testid="stock-page">
      <PageHeader title={t('stock.title')} subtitle={t('stock.sub')} />
      <Card>
        <div className="qd-filter-bar">
          <Input.Search
            allowClear
            style={{ width: 320 }}
            placeholder={t('stock.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => update({ q: v.trim() || undefined })}
            data-testid="stock-search"
          />
          <Select
            style={{ width: 220 }}
            value={locationId ?? ''}
            onChange={(v: string) => update({ location: v || undefined })}
            data-testid="stock-location-filter"
            options={[
              { value: '', label: t('inv.allLocations') },
              ...allLocations.map((l) => ({ value: l.id, label: l.name })),
            ]}
          />
        </div>
        <Table<StockRow>
          data-testid="stock-table"
          rowKey="skuId"
          size="middle"
          loading={stock.isFetching && !stock.isFetchingNextPage}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('stock.empty') }}
          columns={[
            {
              title: t('inv.product'),
              fixed: 'left',
              width: 280,
              render: (_, r) => (
                <Space>
                  <ProductThumb url={r.imageUrl} size={40} />
                  <div style={{ minWidth: 0, maxWidth: 220 }}>
                    <Typography.Text ellipsis>{r.title}</Typography.Text>
                    <div style={{ fontSize: 12, color: 'rgba(0,0,0,.45)' }}>{r.specText || '—'}</div>
                  </div>
                </Space>
              ),
            },
            {
              title: t('stock.online'),
              align: 'right',
              render: (_, r) => <Typography.Text strong>{r.onlineAvailable}</Typography.Text>,
            },
            ...locations.map((loc) => ({
              key: loc.id,
              title: (
                <span>
                  {loc.name}
                  <div style={{ fontWeight: 400, fontSize: 12, color: 'rgba(0,0,0,.45)' }}>
                    {t('stock.onHand')} / {t('stock.reserved')} / {t('stock.available')}
                  </div>
                </span>
              ),
              render: (_: unknown, r: StockRow) => {
                const l = r.levels.find((x) => x.locationId === loc.id)!;
                return (
                  <Button
                    type="text"
                    size="small"
                    onClick={() => setOpen({ row: r, level: l })}
                    data-testid={`level-${r.skuId}-${loc.id}`}
                    style={{ fontVariantNumeric: 'tabular-nums' }}
                  >
                    <span>{l.onHand}</span>
                    <span style={{ color: 'rgba(0,0,0,.35)' }}>/{l.reserved}/</span>
                    <span style={{ color: l.low ? '#cf1322' : undefined, fontWeight: 600 }}>{l.available}</span>
                    {l.low ? <WarningFilled style={{ color: '#fa8c16', marginInlineStart: 4 }} /> : null}
                  </Button>
                );
              },
            })),
          ]}
        />
        {stock.hasNextPage ? (
          <div style={{ textAlign: 'center', marginTop: 12 }}>
            <Button onClick={() => void stock.fetchNextPage()} loading={stock.isFetchingNextPage}>
              {t('inv.loadMore')}
            </Button>
          </div>
        ) : null}
      </Card>
      <LevelDrawer
        shopId={shopId}
        canWrite={canWrite}
        row={current}
        level={currentLevel}
        locationName={locations.find((l) => l.id === open?.level.locationId)?.name ?? ''}
        onClose={() => setOpen(null)}
      />
    </div>
  );
}

function LevelDrawer({
  shopId,
  canWrite,
  row,
  level,
  locationName,
  onClose,
}: {
  shopId: string;
  canWrite: boolean;
  row: StockRow | null;
  level: Level | null;
  locationName: string;
  onClose: () => void;
}) {
  const t = useT();
  const locale = useLocale();
  const { message } = App.useApp();
  const adjust = useAdjust(shopId);
  const settings = useLevelSettings(shopId);
  const ledger = useLedger(shopId, row?.skuId ?? '', level?.locationId ?? '', !!row && !!level);
  const moves = ledger.data?.pages.flatMap((p) => p.items) ?? [];
  const [adjustForm] = Form.useForm<{ onHand: number; reason: AdjustReason }>();
  const [settingsForm] = Form.useForm<{ safetyStock: number; lowStockThreshold: number | null }>();

  return (
    <Drawer
      title={
        row && level
          ? t('stock.cellTitle', { title: `${row.title} ${row.specText}`.trim(), location: locationName })
          : ''
      }
      open={!!row && !!level}
      onClose={onClose}
      width={720}
      destroyOnHidden
      data-testid="level-drawer"
    >
      {row && level ? (
        <>
          <Descriptions size="small" column={4} bordered>
            <Descriptions.Item label={t('stock.onHand')}>{level.onHand}</Descriptions.Item>
            <Descriptions.Item label={t('stock.reserved')}>{level.reserved}</Descriptions.Item>
            <Descriptions.Item label={t('stock.safety')}>{level.safetyStock}</Descriptions.Item>
            <Descriptions.Item label={t('stock.available')}>
              <span data-testid="level-available">{level.available}</span>
              {level.low ? (
                <Tag color="red" style={{ marginInlineStart: 6 }}>
                  {t('stock.low')}
                </Tag>
              ) : null}
            </Descriptions.Item>
          </Descriptions>
          {canWrite ? (
            <>
              <Divider titlePlacement="start">{t('stock.adjust')}</Divider>
              <Form
                form={adjustForm}
                layout="inline"
                initialValues={{ onHand: level.onHand, reason: 'correction' }}
                onFinish={(v) =>
                  adjust.mutate(
                    { skuId: row.skuId, locationId: level.locationId, onHand: v.onHand, reason: v.reason },
                    {
                      onSuccess: (l) => void message.success(t('stock.adjusted', { n: l.onHand })),
                      onError: (e) => void message.error(e.message),
                    },
                  )
                }
              >
                <Form.Item name="onHand" label={t('stock.newOnHand')} rules={[{ required: true }]}>
                  <InputNumber min={0} precision={0} data-testid="adjust-onhand" />
                </Form.Item>
                <Form.Item name="reason" label={t('stock.reason')}>
                  <Select
                    style={{ width: 140 }}
                    data-testid="adjust-reason"
                    options={ADJUST_REASONS.map((r) => ({ value: r, label: reasonLabel(t, r) }))}
                  />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={adjust.isPending} data-testid="adjust-submit">
                  {t('inv.save')}
                </Button>
              </Form>
              <Divider titlePlacement="start">{t('stock.settings')}</Divider>
              <Form
                form={settingsForm}
                layout="inline"
                initialValues={{ safetyStock: level.safetyStock, lowStockThreshold: level.lowStockThreshold }}
                onFinish={(v) =>
                  settings.mutate(
                    {
                      skuId: row.skuId,
                      locationId: level.locationId,
                      safetyStock: v.safetyStock ?? 0,
                      lowStockThreshold: v.lowStockThreshold ?? null,
                    },
                    {
                      onSuccess: () => void message.success(t('inv.saved')),
                      onError: (e) => void message.error(e.message),
                    },
                  )
                }
              >
                <Form.Item name="safetyStock" label={t('stock.safetyStock')} tooltip={t('stock.safetyHint')}>
                  <InputNumber min={0} precision={0} data-testid="level-safety" />
                </Form.Item>
                <Form.Item name="lowStockThreshold" label={t('stock.threshold')} tooltip={t('stock.thresholdHint')}>
                  <InputNumber
                    min={0}
                    precision={0}
                    placeholder={level.threshold !== null ? String(level.threshold) : ''}
                    data-testid="level-threshold"
                  />
                </Form.Item>
                <Button htmlType="submit" loading={settings.isPending} data-testid="level-settings-submit">
                  {t('inv.save')}
                </Button>
              </Form>
            </>
          ) : null}
          <Divider titlePlacement="start">{t('stock.ledger')}</Divider>
          <Table
            data-testid="ledger-table"
            size="small"
            rowKey="id"
            loading={ledger.isPending}
            dataSource={moves}
            pagination={false}
            locale={{ emptyText: t('stock.ledgerEmpty') }}
            columns={[
              { title: t('stock.col.at'), render: (_, m) => formatShortDateTime(m.at, locale) },
              { title: t('stock.col.reason'), render: (_, m) => reasonLabel(t, m.reason) },
              {
                title: t('stock.col.ref'),
                render: (_, m) => (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} copyable={{ text: m.refId }}>
                    {m.refType}:{m.refId.slice(-8)}
                  </Typography.Text>
                ),
              },
              { title: t('stock.col.actor'), render: (_, m) => m.actorName ?? t('stock.system') },
              {
                title: t('stock.col.delta'),
                align: 'right',
                render: (_, m) => <Delta n={m.onHandDelta} />,
              },
              {
                title: t('stock.col.reservedDelta'),
                align: 'right',
                render: (_, m) => <Delta n={m.reservedDelta} />,
              },
              {
                title: t('stock.col.after'),
                align: 'right',
                render: (_, m) => `${m.onHandAfter} / ${m.reservedAfter}`,
              },
            ]}
          />
          {ledger.hasNextPage ? (
            <div style={{ textAlign: 'center', marginTop: 8 }}>
              <Button size="small" onClick={() => void ledger.fetchNextPage()} loading={ledger.isFetchingNextPage}>
                {t('inv.loadMore')}
              </Button>
            </div>
          ) : null}
        </>
      ) : null}
    </Drawer>
  );
}

function Delta({ n }: { n: number }) {
  if (n === 0) return <span style={{ color: 'rgba(0,0,0,.25)' }}>0</span>;
  return <span style={{ color: n > 0 ? '#389e0d' : '#cf1322', fontWeight: 500 }}>{n > 0 ? `+${n}` : n}</span>;
}
