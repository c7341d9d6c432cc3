import { CloudUploadOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Input, Space, Table, Tabs, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { PageHeader } from '../../../shared/antd/components';
import { ORDER_STATUSES, type OrderRow, type OrderStatus, useOrders } from '../../commerce';
import { useT } from '../../i18n';
import { formatFen } from '../../money';
import { hasPermission, useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import { ProductThumb } from '../products/ProductsPage';
import { CsvShipModal } from './CsvShipModal';
import { OrderStatusTag } from './shared';
import { ShipModal } from './ShipModal';
import { useUrlParams } from '../../components/useUrlParams';

const TABS: (OrderStatus | 'all')[] = ['all', ...ORDER_STATUSES];

export function OrdersPage() {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const membership = useCurrentShop();
  const { shop } = membership;
  const canShip = hasPermission(membership, 'fulfilment.manage');
  const [params, updateParams] = useUrlParams();
  const status = (params.get('status') as OrderStatus | null) ?? undefined;
  const q = params.get('q') ?? '';
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const [search, setSearch] = useState(q);
  const [shipping, setShipping] = useState<OrderRow | null>(null);
  const [csvOpen, setCsvOpen] = useState(false);
  const query = useMemo(
    () => ({
      status,
      q: q || undefined,
      from: from ? dayjs(from).startOf('day').toISOString() : undefined,
      to: to ? dayjs(to).add(1, 'day').startOf('day').toISOString() : undefined,
    }),
    [status, q, from, to],
  );
  const orders = useOrders(shop.id, query);
  const rows = useMemo(() => orders.data?.pages.flatMap((p) => p.items) ?? [], [orders.data]);

  const update = (patch: Record<string, string | undefined>) => {
    updateParams(patch);
  };

  if (orders.isError && !orders.data)
    return <ShopError error={orders.error} shopId={shop.id} onRetry={() => void orders.refetch()} />;

  const open = (o: OrderRow) => navigate(`/shops/${shop.id}/orders/${o.id}`);

  return (
    <div data-testid="orders-page">
      <PageHeader
        title={t('orders.title')}
        subtitle={t('orders.sub')}
        extra={
          canShip ? (
            <Button icon={<CloudUploadOutlined />} onClick={() => setCsvOpen(true)} data-testid="csv-ship">
              {t('csv.open')}
            </Button>
          ) : null
        }
      />
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={status ?? 'all'}
          onChange={(key) => update({ status: key === 'all' ? undefined : key })}
          items={TABS.map((s) => ({ key: s, label: t(`orders.tab.${s}`) }))}
        />
        <div className="qd-filter-bar">
          <Input.Search
            allowClear
            style={{ width: 360 }}
            placeholder={t('orders.searchPlaceholder')}
            aria-label={t('orders.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(value) => update({ q: value.trim() || undefined })}
            enterButton={t('products.search')}
            data-testid="order-search"
          />
          <DatePicker.RangePicker
            aria-label={t('orders.dateRange')}
            value={from && to ? [dayjs(from), dayjs(to)] : null}
            onChange={(range) => {
              const [a, b] = (range ?? []) as (Dayjs | null)[];
              update({ from: a ? a.format('YYYY-MM-DD') : undefined, to: b ? b.format('YYYY-MM-DD') : undefined });
            }}
            presets={[
              { label: t('orders.preset.today'), value: [dayjs(), dayjs()] },
              { label: t('orders.preset.7d'), value: [dayjs().subtract(6, 'day'), dayjs()] },
              { label: t('orders.preset.30d'), value: [dayjs().subtract(29, 'day'), dayjs()] },
            ]}
            disabledDate={(d) => d.isAfter(dayjs().endOf('day'))}
          />
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              setSearch('');
              update({ q: undefined, from: undefined, to: undefined });
            }}
          >
            {t('products.reset')}
          </Button>
        </div>
        <Table<OrderRow>
          data-testid="orders-table"
          rowKey="id"
          loading={orders.isFetching && !orders.isFetchingNextPage}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('orders.empty') }}
          onRow={(o) => ({ 'data-order-no': o.orderNo }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            {
              title: t('orders.col.order'),
              key: 'order',
              width: 190,
              render: (_, o) => (
                <div>
                  <Typography.Link onClick={() => open(o)} className="qd-mono" data-testid="order-no">
                    {o.orderNo}
                  </Typography.Link>
                  <div className="qd-sub">{formatShortDateTime(o.createdAt, locale)}</div>
                </div>
              ),
            },
            {
              title: t('orders.col.items'),
              key: 'items',
              width: 330,
              render: (_, o) => {
                const first = o.lines[0];
                const count = o.lines.reduce((n, l) => n + l.quantity, 0);
                return first ? (
                  <div className="qd-product-cell">
                    <ProductThumb url={first.imageUrl} size={48} />
                    <div style={{ minWidth: 0 }}>
                      <Typography.Text ellipsis style={{ display: 'block', maxWidth: 300 }}>
                        {first.title}
                      </Typography.Text>
                      <div className="qd-sub">
                        {first.specText ? `${first.specText} · ` : ''}×{first.quantity}
                        {o.lines.length > 1 ? ` · ${t('orders.moreItems', { n: o.lines.length - 1 })}` : ''}
                      </div>
                      {o.lines.length > 1 ? <div className="qd-sub">{t('orders.itemCount', { n: count })}</div> : null}
                    </div>
                  </div>
                ) : null;
              },
            },
            {
              title: t('orders.col.amount'),
              key: 'amount',
              width: 150,
              align: 'right',
              render: (_, o) => (
                <div style={{ whiteSpace: 'nowrap' }}>
                  <span className="qd-money">{formatFen(o.total, locale)}</span>
                  <div className="qd-sub">
                    {o.shippingFee
                      ? t('orders.inclShipping', { fee: formatFen(o.shippingFee, locale) })
                      : t('orders.freeShipping')}
                  </div>
                  {o.refundedAmount ? (
                    <div className="qd-sub" style={{ color: '#cf1322' }}>
                      {t('orders.refunded', { amount: formatFen(o.refundedAmount, locale) })}
                    </div>
                  ) : null}
                </div>
              ),
            },
            {
              title: t('orders.col.buyer'),
              key: 'buyer',
              width: 150,
              render: (_, o) => (
                <div>
                  <div>{o.address.name}</div>
                  <div className="qd-sub">{o.address.phone}</div>
                </div>
              ),
            },
            {
              title: t('orders.col.status'),
              key: 'status',
              width: 120,
              render: (_, o) => (
                <div>
                  <OrderStatusTag status={o.status} />
                  {o.status === 'shipped' && o.carrier ? (
                    <Tooltip title={`${o.carrier} ${o.trackingNo ?? ''}`}>
                      <div className="qd-sub" style={{ maxWidth: 120, overflow: 'hidden', textOverflow: 'ellipsis' }}>
                        {o.carrier}
                      </div>
                    </Tooltip>
                  ) : null}
                </div>
              ),
            },
            {
              title: t('products.col.actions'),
              key: 'actions',
              width: 130,
              fixed: 'right',
              render: (_, o) => (
                <Space size={0}>
                  <Button type="link" size="small" onClick={() => open(o)}>
                    {t('orders.detail')}
                  </Button>
                  {canShip && o.status === 'paid' ? (
                    <Button type="link" size="small" onClick={() => setShipping(o)} data-testid="ship-order">
                      {t('orders.ship')}
                    </Button>
                  ) : null}
                </Space>
              ),
            },
          ]}
        />
        {orders.hasNextPage ? (
          <div style={{ padding: 12, textAlign: 'center' }}>
            <Button onClick={() => void orders.fetchNextPage()} loading={orders.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </div>
        ) : null}
      </Card>
      <ShipModal shopId={shop.id} order={shipping} onClose={() => setShipping(null)} />
      <CsvShipModal shopId={shop.id} open={csvOpen} onClose={() => setCsvOpen(false)} />
    </div>
  );
}
