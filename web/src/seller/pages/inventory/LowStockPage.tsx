import { App, Button, Card, InputNumber, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { PageHeader } from '../../../shared/antd/components';
import { useT } from '../../i18n';
import { hasPermission, useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import { ProductThumb } from '../products/ProductsPage';
import { type LowStockRow, useInventorySettings, useLowStock, useSaveInventorySettings } from './api';

export function LowStockPage() {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const membership = useCurrentShop();
  const shopId = membership.shop.id;
  const canWrite = hasPermission(membership, 'stock.write');
  const low = useLowStock(shopId, {});
  const rows = useMemo(() => low.data?.pages.flatMap((p) => p.items) ?? [], [low.data]);
  const settings = useInventorySettings(shopId);
  const save = useSaveInventorySettings(shopId);
  const { message } = App.useApp();
  // What the merchant typed, else the saved value.
  const [edited, setThreshold] = useState<number | null | undefined>(undefined);
  const threshold = edited !== undefined ? edited : (settings.data?.lowStockThreshold ?? null);

  if (low.isError && !low.data)
    return <ShopError error={low.error} shopId={shopId} onRetry={() => void low.refetch()} />;

  return (
    <div data-testid="low-stock-page">
      <PageHeader title={t('low.title')} subtitle={t('low.sub')} />
      <Card style={{ marginBottom: 16 }}>
        <Space wrap>
          <Typography.Text strong>{t('low.default')}</Typography.Text>
          <InputNumber
            min={0}
            precision={0}
            value={threshold}
            onChange={(v) => setThreshold(v ?? null)}
            disabled={!canWrite}
            data-testid="low-default"
          />
          {canWrite ? (
            <Button
              loading={save.isPending}
              onClick={() =>
                save.mutate(
                  { lowStockThreshold: threshold },
                  {
                    onSuccess: () => void message.success(t('inv.saved')),
                    onError: (e) => void message.error(e.message),
                  },
                )
              }
              data-testid="low-default-save"
            >
              {t('inv.save')}
            </Button>
          ) : null}
          <Typography.Text type="secondary">{t('low.defaultHint')}</Typography.Text>
        </Space>
      </Card>
      <Card title={low.data ? `${t('low.title')} · ${low.data.pages[0]?.total ?? 0}` : t('low.title')}>
        <Table<LowStockRow>
          data-testid="low-stock-table"
          rowKey={(r) => `${r.skuId}|${r.locationId}`}
          loading={low.isPending}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: t('low.empty') }}
          columns={[
            {
              title: t('inv.product'),
              render: (_, r) => (
                <Space>
                  <ProductThumb url={r.imageUrl} size={40} />
                  <div>
                    {r.title}
                    <div style={{ fontSize: 12, color: 'rgba(0,0,0,.45)' }}>{r.specText || '—'}</div>
                  </div>
                </Space>
              ),
            },
            { title: t('inv.location'), render: (_, r) => r.locationName },
            { title: t('stock.onHand'), dataIndex: 'onHand', align: 'right' },
            { title: t('stock.reserved'), dataIndex: 'reserved', align: 'right' },
            { title: t('stock.safety'), dataIndex: 'safetyStock', align: 'right' },
            {
              title: t('stock.available'),
              align: 'right',
              render: (_, r) => (
                <Typography.Text type="danger" strong>
                  {r.available}
                </Typography.Text>
              ),
            },
            { title: t('low.threshold'), align: 'right', render: (_, r) => r.threshold ?? '—' },
            { title: t('low.since'), render: (_, r) => formatShortDateTime(r.lowSince, locale) },
            {
              title: '',
              key: 'go',
              render: (_, r) => (
                <Button
                  type="link"
                  onClick={() =>
                    navigate(`/shops/${shopId}/stock?q=${encodeURIComponent(r.title)}&location=${r.locationId}`)
                  }
                >
                  {t('low.toStock')}
                </Button>
              ),
            },
          ]}
        />
        {low.hasNextPage ? (
          <div style={{ textAlign: 'center', marginTop: 12 }}>
            <Button onClick={() => void low.fetchNextPage()}>{t('inv.loadMore')}</Button>
          </div>
        ) : null}
      </Card>
    </div>
  );
}
