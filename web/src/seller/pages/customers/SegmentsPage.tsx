import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { PageHeader } from '../../../shared/antd/components';
import { useT } from '../../i18n';
import { formatFen } from '../../money';
import { useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import {
  exportUrl,
  type RfmResult,
  type Segment,
  useDeleteSegment,
  useLookalike,
  useRfmClusters,
  useSaveCluster,
  useSegments,
  useSnapshot,
} from './queries';

const kindColor: Record<Segment['kind'], string> = { rule: 'blue', lookalike: 'purple', rfm_cluster: 'gold' };

/** Saved segments (snapshot, export, portrait, look-alike) and RFM clusters. */
export function SegmentsPage() {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { shop } = useCurrentShop();
  const [params] = useSearchParams();
  const highlight = params.get('highlight');
  const list = useSegments(shop.id);
  const del = useDeleteSegment(shop.id);
  const snapshot = useSnapshot(shop.id);
  const [seed, setSeed] = useState<Segment | null>(null);

  if (list.isError && !list.data)
    return <ShopError error={list.error} shopId={shop.id} onRetry={() => void list.refetch()} />;

  const auc = (s: Segment) => (s.model as { auc?: number | null } | null)?.auc;
  return (
    <div data-testid="segments-page">
      <PageHeader
        title={t('seg.title')}
        subtitle={t('seg.sub')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            data-testid="segment-new"
            onClick={() => navigate(`/shops/${shop.id}/customer-segments/new`)}
          >
            {t('seg.new')}
          </Button>
        }
      />
      <Tabs
        items={[
          {
            key: 'saved',
            label: t('seg.tabs.saved'),
            children: (
              <Card>
                <Table<Segment>
                  rowKey="id"
                  loading={list.isPending}
                  dataSource={list.data ?? []}
                  pagination={false}
                  locale={{ emptyText: t('seg.empty') }}
                  rowClassName={(s) => (s.id === highlight ? 'ant-table-row-selected' : '')}
                  columns={[
                    {
                      title: t('seg.col.name'),
                      dataIndex: 'name',
                      render: (name: string, s) => (
                        <span data-testid="segment-row-name" data-segment-id={s.id}>
                          {name}
                        </span>
                      ),
                    },
                    {
                      title: t('seg.col.kind'),
                      dataIndex: 'kind',
                      render: (k: Segment['kind'], s) => (
                        <Space size={4}>
                          <Tag color={kindColor[k]}>{t(`seg.kind.${k}`)}</Tag>
                          {typeof auc(s) === 'number' ? (
                            <Tag data-testid="segment-auc">{t('seg.auc', { auc: auc(s)!.toFixed(3) })}</Tag>
                          ) : null}
                        </Space>
                      ),
                    },
                    {
                      title: t('seg.col.members'),
                      dataIndex: 'members',
                      align: 'right',
                      render: (n: number) => <span data-testid="segment-row-members">{n.toLocaleString()}</span>,
                    },
                    {
                      title: t('seg.col.computed'),
                      dataIndex: 'computedAt',
                      render: (at: string) => formatShortDateTime(at, locale),
                    },
                    {
                      title: t('seg.col.actions'),
                      key: 'actions',
                      render: (_, s) => (
                        <Space size={0} wrap>
                          <Button
                            type="link"
                            size="small"
                            data-testid="segment-portrait"
                            onClick={() => navigate(`/shops/${shop.id}/customer-insight?segmentId=${s.id}`)}
                          >
                            {t('seg.portrait')}
                          </Button>
                          {s.kind === 'rule' ? (
                            <Button
                              type="link"
                              size="small"
                              onClick={() => navigate(`/shops/${shop.id}/customer-segments/${s.id}/edit`)}
                            >
                              {t('seg.edit')}
                            </Button>
                          ) : null}
                          <Button
                            type="link"
                            size="small"
                            data-testid="segment-snapshot"
                            onClick={() =>
                              snapshot.mutate(s.id, {
                                onSuccess: (r) => void message.success(t('seg.snapshotDone', { n: r.members })),
                                onError: (e) => void message.error((e as Error).message),
                              })
                            }
                          >
                            {t('seg.snapshot')}
                          </Button>
                          <Button type="link" size="small" icon={<DownloadOutlined />} href={exportUrl(shop.id, s.id)}>
                            {t('seg.export')}
                          </Button>
                          <Button type="link" size="small" data-testid="segment-lookalike" onClick={() => setSeed(s)}>
                            {t('seg.lookalike')}
                          </Button>
                          <Popconfirm
                            title={t('seg.deleteConfirm')}
                            onConfirm={() =>
                              del.mutate(s.id, { onError: (e) => void message.error((e as Error).message) })
                            }
                          >
                            <Button type="link" size="small" danger>
                              {t('seg.delete')}
                            </Button>
                          </Popconfirm>
                        </Space>
                      ),
                    },
                  ]}
                />
              </Card>
            ),
          },
          { key: 'rfm', label: t('seg.tabs.rfm'), children: <RfmPanel /> },
        ]}
      />
      {seed ? <LookalikeModal seed={seed} onClose={() => setSeed(null)} /> : null}
    </div>
  );
}

function LookalikeModal({ seed, onClose }: { seed: Segment; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const { shop } = useCurrentShop();
  const run = useLookalike(shop.id);
  const [form] = Form.useForm<{ name: string; size: number }>();
  return (
    <Modal
      open
      title={t('la.title')}
      okText={t('la.run')}
      confirmLoading={run.isPending}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'lookalike-run' } as never}
      onOk={() =>
        void form.validateFields().then((v) =>
          run.mutate(
            { seedSegmentId: seed.id, name: v.name, size: v.size },
            {
              onSuccess: (s) => {
                const auc = (s.model as { auc?: number | null } | null)?.auc;
                void message.success(t('la.done', { n: s.members, auc: auc?.toFixed(3) ?? '—' }));
                onClose();
              },
              onError: (e) => void message.error((e as Error).message),
            },
          ),
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('la.sub', { seed: seed.name })}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ name: `${seed.name} · 相似`, size: seed.members }}>
        <Form.Item name="name" label={t('la.name')} rules={[{ required: true, max: 40 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="size" label={t('la.size')} rules={[{ required: true }]}>
          <InputNumber min={1} max={5_000_000} style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function RfmPanel() {
  const t = useT();
  const locale = useLocale();
  const { message } = App.useApp();
  const { shop } = useCurrentShop();
  const [k, setK] = useState(4);
  const run = useRfmClusters(shop.id);
  const save = useSaveCluster(shop.id);
  const [result, setResult] = useState<{ k: number; data: RfmResult } | null>(null);
  return (
    <Card data-testid="rfm-panel">
      <Space style={{ marginBottom: 16 }}>
        <span>{t('rfm.k')}</span>
        <InputNumber min={2} max={8} value={k} onChange={(v) => setK(Number(v ?? 4))} />
        <Button
          type="primary"
          data-testid="rfm-run"
          loading={run.isPending}
          onClick={() =>
            run.mutate(k, {
              onSuccess: (data) => setResult({ k, data }),
              onError: (e) => void message.error((e as Error).message),
            })
          }
        >
          {t('rfm.run')}
        </Button>
        {result ? (
          <Typography.Text type="secondary">{t('rfm.buyers', { n: result.data.buyers })}</Typography.Text>
        ) : null}
      </Space>
      {result ? (
        <Table
          rowKey="index"
          pagination={false}
          dataSource={result.data.clusters}
          columns={[
            { title: t('rfm.col.cluster'), dataIndex: 'index', render: (i: number) => `#${i + 1}` },
            { title: t('rfm.col.label'), dataIndex: 'label' },
            { title: t('rfm.col.size'), dataIndex: 'size', align: 'right' },
            { title: t('rfm.col.recency'), dataIndex: 'recencyDays', align: 'right' },
            { title: t('rfm.col.orders'), dataIndex: 'orders', align: 'right' },
            {
              title: t('rfm.col.spend'),
              dataIndex: 'spend',
              align: 'right',
              render: (fen: number) => formatFen(fen, locale),
            },
            {
              key: 'save',
              render: (_, c) => (
                <Button
                  size="small"
                  onClick={() =>
                    save.mutate(
                      { k: result.k, cluster: c.index, name: `RFM #${c.index + 1} ${c.label}`.slice(0, 40) },
                      {
                        onSuccess: () => void message.success(t('rfm.saved')),
                        onError: (e) => void message.error((e as Error).message),
                      },
                    )
                  }
                >
                  {t('rfm.save')}
                </Button>
              ),
            },
          ]}
        />
      ) : null}
    </Card>
  );
}
