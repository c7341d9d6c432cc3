import { Card, Col, DatePicker, Row, Space, Statistic, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useLocale } from '../../../i18n/react';
import { useT } from '../../i18n';
import { formatFen } from '../../money';
import { useCurrentShop } from '../../SellerLayout';
import { type Store, usePerformance } from './queries';

/** Sales credited to the store and to each of its shopping guides, and pickups handed over. */
export function PerformancePanel({ store }: { store: Store }) {
  const t = useT();
  const locale = useLocale();
  const { shop } = useCurrentShop();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(6, 'day').startOf('day'), dayjs().endOf('day')]);
  const from = range[0].startOf('day').toISOString();
  const to = range[1].add(1, 'day').startOf('day').toISOString();
  const perf = usePerformance(shop.id, store.id, from, to);
  const d = perf.data;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="performance">
      <Space>
        <Typography.Text type="secondary">{t('perf.range')}</Typography.Text>
        <DatePicker.RangePicker
          allowClear={false}
          value={range}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
        />
      </Space>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Card size="small">
            <Statistic title={t('perf.sales')} value={d ? formatFen(d.sales, locale) : '—'} loading={perf.isPending} />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card size="small">
            <Statistic title={t('perf.orders')} value={d?.orders ?? 0} loading={perf.isPending} />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card size="small">
            <Statistic title={t('perf.pickups')} value={d?.pickupsHandedOver ?? 0} loading={perf.isPending} />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('perf.guides')}>
        <Table
          rowKey="guideId"
          size="small"
          pagination={false}
          dataSource={d?.guides ?? []}
          locale={{ emptyText: t('guides.empty') }}
          columns={[
            { title: t('perf.guide'), dataIndex: 'name' },
            { title: t('perf.guideCode'), dataIndex: 'code' },
            { title: t('perf.orders'), dataIndex: 'orders', align: 'right' },
            {
              title: t('perf.sales'),
              dataIndex: 'sales',
              align: 'right',
              render: (v: number) => formatFen(v, locale),
            },
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {t('perf.note')}
        </Typography.Paragraph>
      </Card>
    </Space>
  );
}
