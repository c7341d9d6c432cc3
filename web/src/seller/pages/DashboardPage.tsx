import {
  AccountBookOutlined,
  EyeOutlined,
  FundOutlined,
  PercentageOutlined,
  RollbackOutlined,
  ShoppingCartOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Row, Segmented, Space, Table, Tooltip, Typography } from 'antd';
import { type ReactNode, useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { ResponseOf } from '../../api/types';
import { useLocale } from '../../i18n/react';
import { PageHeader } from '../../shared/antd/components';
import { brandColor } from '../../shared/Logo';
import { type ChartOption, EChart } from '../components/EChart';
import { useT } from '../i18n';
import { formatFen } from '../money';
import { useCurrentShop } from '../SellerLayout';
import { ShopError } from '../ShopError';
import { ProductThumb } from './products/ProductsPage';

type Range = 'today' | '7d' | '30d';
type Dashboard = ResponseOf<'/api/shops/{shopId}/dashboard', 'get'>;
type TopProduct = Dashboard['topProducts'][number];

function useDashboard(shopId: string, range: Range) {
  return useQuery({
    queryKey: ['shop', shopId, 'dashboard', range],
    queryFn: () => call(api.GET('/api/shops/{shopId}/dashboard', { params: { path: { shopId }, query: { range } } })),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

function Kpi({
  title,
  value,
  icon,
  hint,
  testId,
  accent,
}: {
  title: string;
  value: ReactNode;
  icon: ReactNode;
  hint?: string;
  testId: string;
  accent: string;
}) {
  return (
    <Card className="qd-kpi" data-testid={testId}>
      <div className="qd-kpi-head">
        <span className="qd-kpi-icon" style={{ color: accent, background: `${accent}14` }}>
          {icon}
        </span>
        <Tooltip title={hint}>
          <span className="qd-kpi-title">{title}</span>
        </Tooltip>
      </div>
      <div className="qd-kpi-value" data-testid={`${testId}-value`}>
        {value}
      </div>
    </Card>
  );
}

export function DashboardPage() {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const { shop } = useCurrentShop();
  const [params, setParams] = useSearchParams();
  const range = (['today', '7d', '30d'].includes(params.get('range') ?? '') ? params.get('range') : '7d') as Range;
  const dashboard = useDashboard(shop.id, range);
  const d = dashboard.data;
  const money = (fen: number) => formatFen(fen, locale);
  const number = (n: number) => n.toLocaleString(locale);

  const option = useMemo<ChartOption | null>(() => {
    if (!d) return null;
    const days = d.trend.map((p) => p.date.slice(5));
    return {
      color: [brandColor, '#1677ff', '#13c2c2'],
      tooltip: { trigger: 'axis' },
      legend: { top: 0, left: 'center', itemWidth: 14, itemHeight: 8 },
      grid: { left: 8, right: 8, top: 48, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: days, boundaryGap: d.trend.length <= 1, axisTick: { show: false } },
      yAxis: [
        {
          type: 'value',
          name: t('dash.axisYuan'),
          splitLine: { lineStyle: { type: 'dashed' } },
          axisLabel: { formatter: (v: number) => v.toLocaleString(locale) },
        },
        { type: 'value', name: t('dash.axisCount'), minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        {
          name: t('dash.gmv'),
          type: 'line',
          smooth: 0.3,
          smoothMonotone: 'x',
          showSymbol: d.trend.length <= 7,
          symbolSize: 6,
          areaStyle: { opacity: 0.12 },
          data: d.trend.map((p) => p.gmv / 100),
          tooltip: { valueFormatter: (v) => formatFen(Math.round(Number(v) * 100), locale) },
        },
        {
          name: t('dash.orders'),
          type: 'line',
          smooth: 0.3,
          smoothMonotone: 'x',
          yAxisIndex: 1,
          showSymbol: d.trend.length <= 7,
          data: d.trend.map((p) => p.orders),
        },
        {
          name: t('dash.visitors'),
          type: 'line',
          smooth: 0.3,
          smoothMonotone: 'x',
          yAxisIndex: 1,
          showSymbol: d.trend.length <= 7,
          lineStyle: { type: 'dashed' },
          data: d.trend.map((p) => p.visitors),
        },
      ],
    };
  }, [d, t, locale]);

  if (dashboard.isError && !d)
    return <ShopError error={dashboard.error} shopId={shop.id} onRetry={() => void dashboard.refetch()} />;

  return (
    <div data-testid="dashboard-page">
      <PageHeader
        title={t('dash.title')}
        subtitle={d ? t('dash.sub', { from: d.from, to: d.to }) : t('dash.subLoading')}
        extra={
          <Segmented<Range>
            value={range}
            onChange={(v) => setParams(v === '7d' ? {} : { range: v }, { replace: true })}
            options={[
              { value: 'today', label: t('dash.range.today') },
              { value: '7d', label: t('dash.range.7d') },
              { value: '30d', label: t('dash.range.30d') },
            ]}
            data-testid="dash-range"
          />
        }
      />
      <div className="qd-kpi-grid">
        {[
          {
            key: 'gmv',
            title: t('dash.gmv'),
            value: d ? money(d.gmv) : '—',
            icon: <AccountBookOutlined />,
            accent: brandColor,
            hint: t('dash.gmvHint'),
          },
          {
            key: 'orders',
            title: t('dash.orders'),
            value: d ? number(d.orders) : '—',
            icon: <ShoppingCartOutlined />,
            accent: '#1677ff',
            hint: t('dash.ordersHint'),
          },
          {
            key: 'buyers',
            title: t('dash.buyers'),
            value: d ? number(d.payingShoppers) : '—',
            icon: <TeamOutlined />,
            accent: '#722ed1',
            hint: t('dash.buyersHint'),
          },
          {
            key: 'visitors',
            title: t('dash.visitors'),
            value: d ? number(d.visitors) : '—',
            icon: <EyeOutlined />,
            accent: '#13c2c2',
            hint: t('dash.visitorsHint'),
          },
          {
            key: 'conversion',
            title: t('dash.conversion'),
            value: d ? `${(d.conversion * 100).toFixed(2)}%` : '—',
            icon: <PercentageOutlined />,
            accent: '#52c41a',
            hint: t('dash.conversionHint'),
          },
          {
            key: 'aov',
            title: t('dash.aov'),
            value: d ? money(d.averageOrderValue) : '—',
            icon: <FundOutlined />,
            accent: '#fa8c16',
            hint: t('dash.aovHint'),
          },
          {
            key: 'refunds',
            title: t('dash.refunds'),
            value: d ? money(d.refunds) : '—',
            icon: <RollbackOutlined />,
            accent: '#f5222d',
            hint: t('dash.refundsHint'),
          },
        ].map((k) => (
          <Kpi
            key={k.key}
            title={k.title}
            value={k.value}
            icon={k.icon}
            accent={k.accent}
            hint={k.hint}
            testId={`kpi-${k.key}`}
          />
        ))}
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15}>
          <Card title={t('dash.trend')} loading={!d} style={{ height: '100%' }}>
            {option ? (
              <EChart option={option} style={{ height: 340 }} testId="trend-chart" ariaLabel={t('dash.trend')} />
            ) : null}
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <Card title={t('dash.top')} loading={!d} style={{ height: '100%' }} styles={{ body: { padding: 0 } }}>
            {d && d.topProducts.length ? (
              <Table<TopProduct>
                rowKey="productId"
                size="small"
                pagination={false}
                dataSource={d.topProducts}
                data-testid="top-products"
                columns={[
                  {
                    title: '#',
                    key: 'rank',
                    width: 44,
                    render: (_, _p, i) => <span className={`qd-rank${i < 3 ? ' is-top' : ''}`}>{i + 1}</span>,
                  },
                  {
                    title: t('dash.product'),
                    key: 'product',
                    render: (_, p) => (
                      <Space size={8}>
                        <ProductThumb url={p.imageUrl} size={36} />
                        <Typography.Link
                          ellipsis
                          style={{ maxWidth: 170 }}
                          onClick={() => navigate(`/shops/${shop.id}/products/${p.productId}/edit`)}
                        >
                          {p.title}
                        </Typography.Link>
                      </Space>
                    ),
                  },
                  {
                    title: t('dash.quantity'),
                    key: 'qty',
                    align: 'right',
                    width: 64,
                    render: (_, p) => number(p.quantity),
                  },
                  {
                    title: t('dash.productGmv'),
                    key: 'gmv',
                    align: 'right',
                    width: 110,
                    render: (_, p) => money(p.gmv),
                  },
                ]}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dash.noSales')} style={{ padding: 32 }} />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
