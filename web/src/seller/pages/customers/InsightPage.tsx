import { Card, Col, Empty, Row, Segmented, Select, Space, Table, Typography } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { PageHeader } from '../../../shared/antd/components';
import { EChart } from '../../components/EChart';
import { useT } from '../../i18n';
import { useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import { type Insight, useInsight, useSegments } from './queries';

const VIEWS = ['all', 'visitors', 'buyers', 'churned'] as const;
type View = (typeof VIEWS)[number];
type Dimension = Insight['dimensions'][number];

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** A segment's (or ready view's) portrait against all customers, with TGI per value. */
export function InsightPage() {
  const t = useT();
  const { shop } = useCurrentShop();
  const [params, setParams] = useSearchParams();
  const segmentId = params.get('segmentId') ?? undefined;
  const view = (params.get('view') as View | null) ?? (segmentId ? undefined : 'buyers');
  const segments = useSegments(shop.id);
  const insight = useInsight(shop.id, segmentId ? { segmentId } : { view });

  if (insight.isError && !insight.data)
    return <ShopError error={insight.error} shopId={shop.id} onRetry={() => void insight.refetch()} />;
  const data = insight.data;
  return (
    <div data-testid="insight-page">
      <PageHeader title={t('ins.title')} subtitle={t('ins.sub')} />
      <Card style={{ marginBottom: 16 }}>
        <Space wrap>
          <span>{t('ins.target')}</span>
          <Segmented
            data-testid="insight-views"
            value={segmentId ? '' : view}
            onChange={(v) => setParams({ view: String(v) })}
            options={VIEWS.map((v) => ({ value: v, label: t(`ins.view.${v}`) }))}
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 240 }}
            placeholder={t('cust.filter.segment')}
            value={segmentId}
            data-testid="insight-segment"
            onChange={(id?: string) => setParams(id ? { segmentId: id } : { view: 'all' })}
            options={(segments.data ?? []).map((s) => ({ value: s.id, label: `${s.name} (${s.members})` }))}
          />
          {data ? (
            <Typography.Text type="secondary" data-testid="insight-members">
              {t('ins.members', { n: data.members.toLocaleString(), total: data.total.toLocaleString() })}
            </Typography.Text>
          ) : null}
        </Space>
      </Card>
      {data && data.members === 0 ? <Empty description={t('ins.empty')} /> : null}
      <Row gutter={[16, 16]}>
        {(data?.dimensions ?? [])
          .filter((d) => d.values.length > 0)
          .map((d) => (
            <Col xs={24} xl={12} key={d.dimension}>
              <DimensionCard d={d} />
            </Col>
          ))}
      </Row>
    </div>
  );
}

function DimensionCard({ d }: { d: Dimension }) {
  const t = useT();
  const labels = d.values.map((v) => v.label);
  return (
    <Card title={d.name} size="small" data-testid={`insight-${d.dimension}`}>
      <EChart
        ariaLabel={d.name}
        style={{ height: Math.max(160, 28 * d.values.length + 60) }}
        option={{
          tooltip: { trigger: 'axis', valueFormatter: (v) => pct(Number(v)) },
          legend: { data: [t('ins.share'), t('ins.baseShare')], top: 0 },
          grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
          xAxis: { type: 'value', axisLabel: { formatter: (v: number) => pct(v) } },
          yAxis: { type: 'category', data: labels, inverse: true },
          series: [
            { name: t('ins.share'), type: 'bar', data: d.values.map((v) => v.share), itemStyle: { color: '#ff7a45' } },
            {
              name: t('ins.baseShare'),
              type: 'bar',
              data: d.values.map((v) => v.baseShare),
              itemStyle: { color: '#bfbfbf' },
            },
          ],
        }}
      />
      <Table
        size="small"
        rowKey="value"
        pagination={false}
        dataSource={d.values}
        columns={[
          { title: t('ins.value'), dataIndex: 'label' },
          { title: t('ins.count'), dataIndex: 'members', align: 'right', render: (n: number) => n.toLocaleString() },
          { title: t('ins.share'), dataIndex: 'share', align: 'right', render: pct },
          { title: t('ins.baseShare'), dataIndex: 'baseShare', align: 'right', render: pct },
          {
            title: t('ins.tgi'),
            dataIndex: 'tgi',
            align: 'right',
            render: (tgi: number | null) => (
              <Typography.Text
                data-testid="insight-tgi"
                strong={tgi !== null && tgi >= 120}
                type={tgi !== null && tgi < 80 ? 'secondary' : undefined}
              >
                {tgi ?? '—'}
              </Typography.Text>
            ),
          },
        ]}
      />
    </Card>
  );
}
