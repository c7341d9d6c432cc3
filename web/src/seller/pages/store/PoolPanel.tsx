import { ThunderboltOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, List, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../api/errors';
import { formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { useT } from '../../i18n';
import { useCurrentShop } from '../../SellerLayout';
import { type Pool, type Store, useAcceptPooled, usePool } from './queries';

type Offer = Pool['offers'][number];

/** Seconds left, ticking every second. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

const mmss = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/** Orders offered to nearby stores: distance, countdown, accept (first store wins), and who won lately. */
export function PoolPanel({ store }: { store: Store }) {
  const t = useT();
  const locale = useLocale();
  const { shop } = useCurrentShop();
  const pool = usePool(shop.id, store.id);
  const accept = useAcceptPooled(shop.id, store.id);
  const { message } = App.useApp();
  const now = useNow();

  const take = (o: Offer) =>
    accept.mutate(o.shipmentId, {
      onSuccess: () => void message.success(t('pool.accepted')),
      onError: (e) => void message.error(errorMessage(e)),
    });

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        size="small"
        title={t('pool.title')}
        extra={<Typography.Text type="secondary">{t('pool.sub')}</Typography.Text>}
      >
        <Table<Offer>
          rowKey="shipmentId"
          data-testid="pool-table"
          loading={pool.isPending}
          dataSource={pool.data?.offers ?? []}
          pagination={false}
          locale={{ emptyText: <Empty description={t('pool.empty')} /> }}
          columns={[
            {
              title: t('pickup.items'),
              render: (_, o) =>
                o.lines.map((l) => `${l.title} ${l.specText} × ${l.quantity}`.replace(/\s+/g, ' ')).join('；'),
            },
            { title: t('pool.from'), dataIndex: 'fromLocationName' },
            { title: t('pool.distance'), render: (_, o) => (o.distanceKm === null ? '—' : `${o.distanceKm} km`) },
            {
              title: t('pool.stock'),
              render: (_, o) =>
                o.canFill ? (
                  <Tag color="green">{t('pool.canFill')}</Tag>
                ) : (
                  <Tag color="orange">{t('pool.cannotFill')}</Tag>
                ),
            },
            {
              title: t('pool.countdown'),
              render: (_, o) => {
                const left = o.pooledUntil ? Date.parse(o.pooledUntil) - now : 0;
                return left > 0 ? <Typography.Text strong>{mmss(left)}</Typography.Text> : t('pool.ended');
              },
            },
            {
              title: '',
              render: (_, o) => (
                <Button
                  type="primary"
                  icon={<ThunderboltOutlined />}
                  disabled={!o.canFill || (o.pooledUntil ? Date.parse(o.pooledUntil) <= now : true)}
                  loading={accept.isPending && accept.variables === o.shipmentId}
                  onClick={() => take(o)}
                  data-testid="pool-accept"
                >
                  {t('pool.accept')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Card size="small" title={t('pool.recent')}>
        <List
          size="small"
          dataSource={pool.data?.recentClaims ?? []}
          locale={{ emptyText: t('pool.empty') }}
          renderItem={(c) => (
            <List.Item>
              <Space>
                <Tag color={c.mine ? 'green' : 'default'}>{c.mine ? t('pool.mine') : t('pool.other')}</Tag>
                <span>{t('pool.winner', { store: c.storeName ?? '', who: c.claimedBy ?? '' })}</span>
                <Typography.Text type="secondary">{formatShortDateTime(c.claimedAt, locale)}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      </Card>
    </Space>
  );
}
