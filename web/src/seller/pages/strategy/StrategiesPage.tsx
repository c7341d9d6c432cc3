import { BarChartOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Popconfirm, Space, Table, Tabs, Tag } from 'antd';
import { useNavigate } from 'react-router-dom';
import { formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { PageHeader } from '../../../shared/antd/components';
import { useT } from '../../i18n';
import { useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import { useUrlParams } from '../../components/useUrlParams';
import {
  STATUSES,
  type Strategy,
  type StrategyStatus,
  useSetStrategyStatus,
  useStrategies,
  useStrategyOptions,
} from './queries';

export const statusColor: Record<StrategyStatus, string> = {
  draft: 'default',
  active: 'green',
  paused: 'gold',
  ended: 'red',
};

export function StrategyStatusTag({ status }: { status: StrategyStatus }) {
  const t = useT();
  return (
    <Tag color={statusColor[status]} data-testid="strategy-status">
      {t(`strategy.status.${status}`)}
    </Tag>
  );
}

/** The placement's name in the page's language, from the server's registry of placement types. */
export function usePlacementLabel(shopId: string) {
  const options = useStrategyOptions(shopId);
  const locale = useLocale();
  return (key: string) => options.data?.placements.find((p) => p.key === key)?.label[locale] ?? key;
}

/** The shop's strategies, by status, with start / pause / end and the way to each report. */
export function StrategiesPage() {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const { shop } = useCurrentShop();
  const [params, updateParams] = useUrlParams();
  const status = (params.get('status') as StrategyStatus | null) ?? undefined;
  const list = useStrategies(shop.id, status);
  const placementLabel = usePlacementLabel(shop.id);
  const setStatus = useSetStrategyStatus(shop.id);
  const { message } = App.useApp();

  if (list.isError && !list.data)
    return <ShopError error={list.error} shopId={shop.id} onRetry={() => void list.refetch()} />;

  const change = (s: Strategy, to: 'active' | 'paused' | 'ended') =>
    setStatus.mutate(
      { id: s.id, status: to },
      {
        onSuccess: () =>
          void message.success(
            t(to === 'active' ? 'strategy.started' : to === 'paused' ? 'strategy.paused' : 'strategy.ended'),
          ),
        onError: (e) => void message.error((e as Error).message),
      },
    );

  return (
    <div data-testid="strategies-page">
      <PageHeader
        title={t('strategy.title')}
        subtitle={t('strategy.sub')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => navigate(`/shops/${shop.id}/strategies/new`)}
            data-testid="strategy-new"
          >
            {t('strategy.new')}
          </Button>
        }
      />
      <Card>
        <Tabs
          activeKey={status ?? 'all'}
          onChange={(k) => updateParams({ status: k === 'all' ? undefined : k })}
          items={(['all', ...STATUSES] as const).map((k) => ({ key: k, label: t(`strategy.status.${k}`) }))}
        />
        <Table<Strategy>
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: t('strategy.empty') }}
          columns={[
            {
              title: t('strategy.col.name'),
              dataIndex: 'name',
              render: (name: string, s) => (
                <a onClick={() => navigate(`/shops/${shop.id}/strategies/${s.id}`)} data-testid="strategy-name">
                  {name}
                </a>
              ),
            },
            { title: t('strategy.col.placement'), dataIndex: 'placement', render: (p: string) => placementLabel(p) },
            {
              title: t('strategy.col.status'),
              dataIndex: 'status',
              render: (s: StrategyStatus) => <StrategyStatusTag status={s} />,
            },
            {
              title: t('strategy.col.rules'),
              dataIndex: 'rules',
              render: (r: Strategy['rules']) => t('strategy.rulesCount', { n: r.length }),
            },
            { title: t('strategy.col.holdout'), dataIndex: 'holdoutPercent', render: (n: number) => `${n}%` },
            {
              title: t('strategy.col.started'),
              dataIndex: 'startedAt',
              render: (at: string | null) => (at ? formatShortDateTime(at, locale) : '—'),
            },
            {
              title: t('strategy.col.actions'),
              key: 'actions',
              render: (_, s) => (
                <Space size={4} wrap>
                  {s.status === 'draft' ? (
                    <Button size="small" type="link" onClick={() => change(s, 'active')} data-testid="strategy-start">
                      {t('strategy.action.start')}
                    </Button>
                  ) : null}
                  {s.status === 'active' ? (
                    <Button size="small" type="link" onClick={() => change(s, 'paused')}>
                      {t('strategy.action.pause')}
                    </Button>
                  ) : null}
                  {s.status === 'paused' ? (
                    <Button size="small" type="link" onClick={() => change(s, 'active')}>
                      {t('strategy.action.resume')}
                    </Button>
                  ) : null}
                  {s.status !== 'draft' ? (
                    <Button
                      size="small"
                      type="link"
                      icon={<BarChartOutlined />}
                      onClick={() => navigate(`/shops/${shop.id}/strategies/${s.id}/report`)}
                      data-testid="strategy-report"
                    >
                      {t('strategy.action.report')}
                    </Button>
                  ) : null}
                  {s.status !== 'ended' ? (
                    <Popconfirm title={t('strategy.confirmEnd')} onConfirm={() => change(s, 'ended')}>
                      <Button size="small" type="link" danger>
                        {t('strategy.action.end')}
                      </Button>
                    </Popconfirm>
                  ) : null}
                </Space>
              ),
            },
          ]}
        />
      </Card>
    </div>
  );
}
