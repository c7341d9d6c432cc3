import { Alert, Button, Card, Col, Descriptions, Row, Space, Table, Tag, Typography } from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import { useLocale } from '../../../i18n/react';
import { LoadError, PageHeader, PageLoading } from '../../../shared/antd/components';
import { EChart } from '../../components/EChart';
import { useT } from '../../i18n';
import { formatFen } from '../../money';
import { useCurrentShop } from '../../SellerLayout';
import { type ReportArm, useStrategyReport } from './queries';
import { StrategyStatusTag, usePlacementLabel } from './StrategiesPage';

const pct = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`;

/** Each variant against the holdout: exposure, clicks, add-to-carts, buyers, GMV, uplift and significance. */
export function StrategyReportPage() {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const { shop } = useCurrentShop();
  const { strategyId = '' } = useParams();
  const report = useStrategyReport(shop.id, strategyId);
  const placementLabel = usePlacementLabel(shop.id);
  if (report.isPending) return <PageLoading />;
  if (report.isError) return <LoadError error={report.error} onRetry={() => void report.refetch()} />;
  const r = report.data;
  const armName = (a: { variantId: string; name: string | null; holdout: boolean }) =>
    a.holdout ? t('strategy.report.holdout') : (a.name ?? a.variantId);
  const days = [...new Set(r.daily.map((d) => d.day))];

  return (
    <div data-testid="strategy-report-page">
      <PageHeader
        title={
          <Space>
            {t('strategy.report.title')} · {r.strategy.name}
            <StrategyStatusTag status={r.strategy.status} />
          </Space>
        }
        subtitle={t('strategy.report.sub')}
        extra={
          <Space>
            <Button onClick={() => void report.refetch()}>↻</Button>
            <Button onClick={() => navigate(`/shops/${shop.id}/strategies`)}>{t('common.back')}</Button>
          </Space>
        }
      />
      <Card style={{ marginBottom: 24 }}>
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('strategy.col.placement')}>
            {placementLabel(r.strategy.placement)}
          </Descriptions.Item>
          <Descriptions.Item label={t('strategy.col.holdout')}>{r.strategy.holdoutPercent}%</Descriptions.Item>
          <Descriptions.Item label={t('strategy.editor.attribution')}>{r.strategy.attributionDays}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card style={{ marginBottom: 24 }}>
        <Table<ReportArm>
          rowKey="variantId"
          pagination={false}
          dataSource={r.arms}
          scroll={{ x: 'max-content' }}
          data-testid="strategy-report-table"
          columns={[
            {
              title: t('strategy.report.arm'),
              key: 'arm',
              fixed: 'left',
              render: (_, a) =>
                a.holdout ? <Tag>{armName(a)}</Tag> : <Typography.Text strong>{armName(a)}</Typography.Text>,
            },
            {
              title: t('strategy.report.exposed'),
              dataIndex: 'exposed',
              align: 'right',
              render: (n: number, a) => <span data-testid={`exposed-${a.variantId}`}>{n}</span>,
            },
            { title: t('strategy.report.views'), dataIndex: 'views', align: 'right' },
            {
              title: t('strategy.report.clickers'),
              dataIndex: 'clickers',
              align: 'right',
              render: (n: number, a) => <span data-testid={`clickers-${a.variantId}`}>{n}</span>,
            },
            {
              title: t('strategy.report.addToCart'),
              dataIndex: 'addToCartShoppers',
              align: 'right',
              render: (n: number, a) => <span data-testid={`carts-${a.variantId}`}>{n}</span>,
            },
            { title: t('strategy.report.buyers'), dataIndex: 'buyers', align: 'right' },
            { title: t('strategy.report.orders'), dataIndex: 'orders', align: 'right' },
            {
              title: t('strategy.report.gmv'),
              dataIndex: 'gmv',
              align: 'right',
              render: (f: number) => formatFen(f, locale),
            },
            {
              title: t('strategy.report.conversion'),
              dataIndex: 'conversion',
              align: 'right',
              render: (x: number) => pct(x),
            },
            {
              title: t('strategy.report.gmvPerExposed'),
              dataIndex: 'gmvPerExposed',
              align: 'right',
              render: (f: number) => formatFen(f, locale),
            },
            {
              title: t('strategy.report.uplift'),
              key: 'uplift',
              align: 'right',
              render: (_, a) => (a.versusHoldout ? pct(a.versusHoldout.conversionUplift, 1) : '—'),
            },
            {
              title: t('strategy.report.pValue'),
              key: 'p',
              align: 'right',
              render: (_, a) => {
                const v = a.versusHoldout;
                if (!v) return '—';
                if (v.pValue === null)
                  return <Typography.Text type="secondary">{t('strategy.report.notEnough')}</Typography.Text>;
                return (
                  <Space size={4}>
                    {v.pValue < 0.0001 ? '<0.0001' : v.pValue.toFixed(4)}
                    <Tag color={v.pValue < 0.05 ? 'green' : 'default'}>
                      {t(v.pValue < 0.05 ? 'strategy.report.significant' : 'strategy.report.notSignificant')}
                    </Tag>
                  </Space>
                );
              },
            },
            {
              title: t('strategy.report.ci'),
              key: 'ci',
              align: 'right',
              render: (_, a) =>
                a.versusHoldout && a.versusHoldout.ciLow !== null
                  ? `${pct(a.versusHoldout.ciLow)} ~ ${pct(a.versusHoldout.ciHigh)}`
                  : '—',
            },
          ]}
        />
        <Alert type="info" showIcon title={t('strategy.report.note')} style={{ marginTop: 16 }} />
      </Card>
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={12}>
          <Card title={t('strategy.report.conversionChart')}>
            <EChart
              testId="strategy-conversion-chart"
              style={{ height: 280 }}
              option={{
                tooltip: { trigger: 'axis', valueFormatter: (v) => `${Number(v).toFixed(2)}%` },
                grid: { left: 48, right: 16, top: 24, bottom: 32 },
                xAxis: { type: 'category', data: r.arms.map(armName) },
                yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
                series: [
                  {
                    type: 'bar',
                    name: t('strategy.report.conversion'),
                    data: r.arms.map((a) => ({
                      value: Number((a.conversion * 100).toFixed(4)),
                      itemStyle: { color: a.holdout ? '#bfbfbf' : '#ff6a00' },
                    })),
                    barMaxWidth: 48,
                  },
                ],
              }}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t('strategy.report.daily')}>
            <EChart
              testId="strategy-daily-chart"
              style={{ height: 280 }}
              option={{
                tooltip: { trigger: 'axis' },
                legend: { top: 0 },
                grid: { left: 48, right: 16, top: 32, bottom: 32 },
                xAxis: { type: 'category', data: days },
                yAxis: { type: 'value', minInterval: 1 },
                series: r.arms.map((a) => ({
                  type: 'line' as const,
                  name: armName(a),
                  smooth: true,
                  data: days.map((d) => r.daily.find((x) => x.day === d && x.variantId === a.variantId)?.exposed ?? 0),
                })),
              }}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
