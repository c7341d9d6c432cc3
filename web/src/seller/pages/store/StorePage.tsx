import { EnvironmentOutlined } from '@ant-design/icons';
import { Card, Empty, Result, Select, Space, Tabs, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { useLocale } from '../../../i18n/react';
import { PageHeader, PageLoading } from '../../../shared/antd/components';
import { useUrlParams } from '../../components/useUrlParams';
import { useT, type SellerT } from '../../i18n';
import { hasPermission, useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import { GuidesPanel } from './GuidesPanel';
import { ParcelsPanel } from './ParcelsPanel';
import { PerformancePanel } from './PerformancePanel';
import { PickupsPanel } from './PickupsPanel';
import { PoolPanel } from './PoolPanel';
import { type Store, useMyStores } from './queries';
import { ShelfCodesPanel } from './ShelfCodesPanel';

const TABS = ['pickups', 'pool', 'ship', 'performance', 'shelf', 'guides'] as const;
type Tab = (typeof TABS)[number];

/** "周一至周日 09:00–21:00" / "Mon–Sun 09:00–21:00". */
export function hoursText(hours: Store['openingHours'], locale: string): string {
  const names =
    locale === 'zh-CN' ? ['一', '二', '三', '四', '五', '六', '日'] : ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const day = (d: number) => (locale === 'zh-CN' ? `周${names[d - 1]}` : names[d - 1]);
  return hours
    .map((h) => {
      const days = [...h.days].sort((a, b) => a - b);
      const run =
        days.length > 2 && days.every((d, i) => i === 0 || d === days[i - 1]! + 1)
          ? `${day(days[0]!)}${locale === 'zh-CN' ? '至' : '–'}${day(days[days.length - 1]!)}`
          : days.map(day).join(locale === 'zh-CN' ? '、' : ', ');
      return `${run} ${h.open}–${h.close}`;
    })
    .join('; ');
}

export function StoreOpenTag({ store, t }: { store: Store; t: SellerT }) {
  return <Tag color={store.openNow ? 'green' : 'default'}>{store.openNow ? t('store.open') : t('store.closed')}</Tag>;
}

/**
 * The store desk (门店工作台): the staff of a store verify pickup codes, grab pooled orders, ship
 * parcels from the store, see the store's and its guides' sales, print shelf codes and manage
 * guides. Staff of several stores pick one; the choice stays in the URL.
 */
export function StorePage() {
  const t = useT();
  const membership = useCurrentShop();
  const { shop } = membership;
  const [params, setParams] = useUrlParams();
  const stores = useMyStores(shop.id);
  const list = stores.data ?? [];
  const chosen = list.find((s) => s.id === params.get('store')) ?? list[0];
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as Tab) : 'pickups';
  const canManage = hasPermission(membership, 'store.manage');

  useEffect(() => {
    if (chosen && params.get('store') !== chosen.id) setParams({ store: chosen.id });
  }, [chosen, params, setParams]);

  if (stores.isPending) return <PageLoading />;
  if (stores.isError) return <ShopError error={stores.error} shopId={shop.id} onRetry={() => void stores.refetch()} />;

  return (
    <div data-testid="store-page">
      <PageHeader
        title={t('store.title')}
        subtitle={t('store.sub')}
        extra={
          list.length > 0 ? (
            <Space>
              <Typography.Text type="secondary">{t('store.picker')}</Typography.Text>
              <Select
                data-testid="store-picker"
                aria-label={t('store.picker')}
                style={{ minWidth: 220 }}
                value={chosen?.id}
                onChange={(id: string) => setParams({ store: id })}
                options={list.map((s) => ({ value: s.id, label: `${s.name}（${s.code}）` }))}
              />
            </Space>
          ) : null
        }
      />
      {!chosen ? (
        <Card>
          <Result status="info" title={t('store.none')} subTitle={t('store.noneHint')} />
        </Card>
      ) : (
        <>
          <Card size="small" style={{ marginBottom: 16 }}>
            <StoreLine store={chosen} />
          </Card>
          <Tabs
            activeKey={tab}
            onChange={(key) => setParams({ tab: key })}
            items={[
              { key: 'pickups', label: t('store.tab.pickups'), children: <PickupsPanel store={chosen} /> },
              { key: 'pool', label: t('store.tab.pool'), children: <PoolPanel store={chosen} /> },
              {
                key: 'ship',
                label: t('store.tab.ship'),
                children: chosen.canShip ? <ParcelsPanel store={chosen} /> : <Empty description={t('ship.empty')} />,
              },
              { key: 'performance', label: t('store.tab.performance'), children: <PerformancePanel store={chosen} /> },
              { key: 'shelf', label: t('store.tab.shelf'), children: <ShelfCodesPanel store={chosen} /> },
              {
                key: 'guides',
                label: t('store.tab.guides'),
                children: <GuidesPanel store={chosen} canManage={canManage} />,
              },
            ]}
          />
        </>
      )}
    </div>
  );
}

function StoreLine({ store }: { store: Store }) {
  const t = useT();
  const locale = useLocale();
  return (
    <Space wrap size={16}>
      <Typography.Text strong>{store.name}</Typography.Text>
      <StoreOpenTag store={store} t={t} />
      <Typography.Text type="secondary">
        <EnvironmentOutlined /> {[store.province, store.city, store.district, store.address].filter(Boolean).join(' ')}
      </Typography.Text>
      {store.openingHours.length > 0 ? (
        <Typography.Text type="secondary">
          {t('store.hours')}
          {hoursText(store.openingHours, locale)}
        </Typography.Text>
      ) : null}
    </Space>
  );
}
