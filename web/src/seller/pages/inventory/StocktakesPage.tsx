import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { PageHeader } from '../../../shared/antd/components';
import { useT } from '../../i18n';
import { hasPermission, useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import {
  type Stocktake,
  type StocktakeRow,
  useLocations,
  useStartStocktake,
  useStocktake,
  useStocktakeAction,
  useStocktakes,
} from './api';

const STATUS: Record<StocktakeRow['status'], { color: string; key: 'st.open' | 'st.applied' | 'st.cancelledStatus' }> =
  {
    open: { color: 'processing', key: 'st.open' },
    applied: { color: 'success', key: 'st.applied' },
    cancelled: { color: 'default', key: 'st.cancelledStatus' },
  };

export function StocktakesPage() {
  const t = useT();
  const locale = useLocale();
  const membership = useCurrentShop();
  const shopId = membership.shop.id;
  const canWrite = hasPermission(membership, 'stock.write');
  const list = useStocktakes(shopId);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const locations = useLocations(shopId);
  const names = new Map((locations.data ?? []).map((l) => [l.id, l.name]));
  const [starting, setStarting] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);

  if (list.isError && !list.data)
    return <ShopError error={list.error} shopId={shopId} onRetry={() => void list.refetch()} />;

  return (
    <div data-testid="stocktakes-page">
      <PageHeader
        title={t('st.title')}
        subtitle={t('st.sub')}
        extra={
          canWrite ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setStarting(true)}
              data-testid="stocktake-new"
            >
              {t('st.new')}
            </Button>
          ) : null
        }
      />
      <Card>
        <Table<StocktakeRow>
          data-testid="stocktakes-table"
          rowKey="id"
          loading={list.isPending}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: t('st.empty') }}
          onRow={(r) => ({ onClick: () => setOpenId(r.id), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('tr.createdAt'), render: (_, r) => formatShortDateTime(r.createdAt, locale) },
            { title: t('st.location'), render: (_, r) => names.get(r.locationId) ?? r.locationId },
            {
              title: t('tr.status'),
              render: (_, r) => <Tag color={STATUS[r.status].color}>{t(STATUS[r.status].key)}</Tag>,
            },
            {
              title: t('st.counted'),
              render: (_, r) => t('st.progress', { counted: r.countedCount, lines: r.lineCount }),
            },
            { title: t('st.note'), render: (_, r) => r.note ?? '—' },
          ]}
        />
        {list.hasNextPage ? (
          <div style={{ textAlign: 'center', marginTop: 12 }}>
            <Button onClick={() => void list.fetchNextPage()}>{t('inv.loadMore')}</Button>
          </div>
        ) : null}
      </Card>
      <StartModal
        shopId={shopId}
        open={starting}
        onClose={() => setStarting(false)}
        onStarted={(id) => {
          setStarting(false);
          setOpenId(id);
        }}
      />
      <StocktakeDrawer
        shopId={shopId}
        id={openId}
        canWrite={canWrite}
        locationName={(id) => names.get(id) ?? id}
        onClose={() => setOpenId(null)}
      />
    </div>
  );
}

function StartModal({
  shopId,
  open,
  onClose,
  onStarted,
}: {
  shopId: string;
  open: boolean;
  onClose: () => void;
  onStarted: (id: string) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<{ locationId: string; note?: string }>();
  const locations = useLocations(shopId);
  const start = useStartStocktake(shopId);
  const { message } = App.useApp();
  return (
    <Modal
      title={t('st.new')}
      open={open}
      onCancel={onClose}
      destroyOnHidden
      okText={t('st.new')}
      cancelText={t('inv.cancel')}
      confirmLoading={start.isPending}
      okButtonProps={{ 'data-testid': 'stocktake-start' } as Record<string, string>}
      onOk={async () => {
        const v = await form.validateFields().catch(() => null);
        if (!v) return;
        start.mutate(
          { locationId: v.locationId, note: v.note || undefined },
          {
            onSuccess: (s) => {
              void message.success(t('st.started'));
              onStarted(s.id);
            },
            onError: (e) => void message.error(e.message),
          },
        );
      }}
    >
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item name="locationId" label={t('st.location')} rules={[{ required: true, message: t('loc.required') }]}>
          <Select
            data-testid="stocktake-location"
            options={(locations.data ?? []).map((l) => ({ value: l.id, label: l.name }))}
          />
        </Form.Item>
        <Form.Item name="note" label={t('st.note')} rules={[{ max: 200 }]}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function StocktakeDrawer({
  shopId,
  id,
  canWrite,
  locationName,
  onClose,
}: {
  shopId: string;
  id: string | null;
  canWrite: boolean;
  locationName: (id: string) => string;
  onClose: () => void;
}) {
  const t = useT();
  const s = useStocktake(shopId, id);
  const act = useStocktakeAction(shopId);
  const { message } = App.useApp();
  const [edits, setEdits] = useState<Record<string, number | null>>({});
  const [csvOpen, setCsvOpen] = useState(false);
  const [csv, setCsv] = useState('');
  const data = s.data;
  const editable = canWrite && data?.status === 'open';
  const dirty = Object.keys(edits).length > 0;

  const fail = (e: Error) => void message.error({ content: e.message, duration: 8 });
  const saveCounts = (then?: () => void) =>
    act.mutate(
      {
        stocktakeId: id!,
        kind: 'counts',
        counts: Object.entries(edits).map(([skuId, counted]) => ({ skuId, counted })),
      },
      {
        onSuccess: () => {
          setEdits({});
          if (then) then();
          else void message.success(t('inv.saved'));
        },
        onError: fail,
      },
    );

  return (
    <Drawer
      title={data ? `${t('st.detail')} · ${locationName(data.locationId)}` : t('st.detail')}
      open={!!id}
      onClose={() => {
        setEdits({});
        onClose();
      }}
      width={820}
      destroyOnHidden
      extra={
        editable ? (
          <Space>
            <Button icon={<UploadOutlined />} onClick={() => setCsvOpen(true)} data-testid="stocktake-import">
              {t('st.import')}
            </Button>
            <Button disabled={!dirty} loading={act.isPending} onClick={() => saveCounts()} data-testid="stocktake-save">
              {t('st.saveCounts')}
            </Button>
            <Popconfirm
              title={t('st.applyConfirm', { n: data?.summary.withVariance ?? 0 })}
              onConfirm={() => {
                const apply = () =>
                  act.mutate(
                    { stocktakeId: id!, kind: 'apply' },
                    { onSuccess: () => void message.success(t('st.appliedDone')), onError: fail },
                  );
                if (dirty) saveCounts(apply);
                else apply();
              }}
            >
              <Button type="primary" data-testid="stocktake-apply">
                {t('st.apply')}
              </Button>
            </Popconfirm>
            <Popconfirm
              title={t('st.cancel')}
              onConfirm={() => act.mutate({ stocktakeId: id!, kind: 'cancel' }, { onError: fail })}
            >
              <Button danger>{t('st.cancel')}</Button>
            </Popconfirm>
          </Space>
        ) : null
      }
    >
      {data ? (
        <>
          <Space style={{ marginBottom: 12 }}>
            <Tag color={STATUS[data.status].color}>{t(STATUS[data.status].key)}</Tag>
            <Typography.Text type="secondary" data-testid="stocktake-summary">
              {t('st.summary', {
                lines: data.summary.lines,
                counted: data.summary.counted,
                withVariance: data.summary.withVariance,
                net: data.summary.netVariance,
              })}
            </Typography.Text>
          </Space>
          <Table<Stocktake['lines'][number]>
            data-testid="stocktake-lines"
            size="small"
            rowKey="skuId"
            dataSource={data.lines}
            pagination={false}
            columns={[
              {
                title: t('inv.product'),
                render: (_, l) => (
                  <div>
                    {l.title} <Typography.Text type="secondary">{l.specText}</Typography.Text>
                    {l.barcode ? <div style={{ fontSize: 12, color: 'rgba(0,0,0,.45)' }}>{l.barcode}</div> : null}
                  </div>
                ),
              },
              { title: t('st.expected'), dataIndex: 'expected', align: 'right' },
              { title: t('st.reserved'), dataIndex: 'reserved', align: 'right' },
              {
                title: t('st.counted'),
                align: 'right',
                render: (_, l) => {
                  const value = l.skuId in edits ? edits[l.skuId] : l.counted;
                  return editable ? (
                    <InputNumber
                      min={0}
                      precision={0}
                      size="small"
                      value={value}
                      status={value !== null && value !== undefined && value < l.reserved ? 'error' : undefined}
                      onChange={(v) => setEdits((e) => ({ ...e, [l.skuId]: v ?? null }))}
                      data-testid={`count-${l.skuId}`}
                    />
                  ) : (
                    (value ?? '—')
                  );
                },
              },
              {
                title: t('st.variance'),
                align: 'right',
                render: (_, l) => {
                  const counted = l.skuId in edits ? edits[l.skuId] : l.counted;
                  if (counted === null || counted === undefined) return '—';
                  const v = counted - l.expected;
                  return (
                    <span style={{ color: v === 0 ? undefined : v > 0 ? '#389e0d' : '#cf1322', fontWeight: 500 }}>
                      {v > 0 ? `+${v}` : v}
                    </span>
                  );
                },
              },
            ]}
          />
        </>
      ) : null}
      <Modal
        title={t('st.import')}
        open={csvOpen}
        onCancel={() => setCsvOpen(false)}
        okText={t('st.import')}
        cancelText={t('inv.cancel')}
        confirmLoading={act.isPending}
        onOk={() =>
          act.mutate(
            { stocktakeId: id!, kind: 'import', csv },
            {
              onSuccess: () => {
                void message.success(t('st.importDone'));
                setCsv('');
                setCsvOpen(false);
              },
              onError: (e) =>
                void message.error({
                  content: (
                    <span>
                      {e.message}
                      {'fieldErrors' in e
                        ? (e as { fieldErrors: { message: string }[] }).fieldErrors.map((f, i) => (
                            <div key={i}>{f.message}</div>
                          ))
                        : null}
                    </span>
                  ),
                  duration: 8,
                }),
            },
          )
        }
      >
        <Typography.Paragraph type="secondary">{t('st.importHint')}</Typography.Paragraph>
        <Input.TextArea
          rows={8}
          value={csv}
          onChange={(e) => setCsv(e.target.value)}
          placeholder={'code,count\n6920000000011,8'}
          aria-label={t('st.csv')}
          data-testid="stocktake-csv"
        />
        <input
          type="file"
          accept=".csv,text/csv"
          style={{ marginTop: 8 }}
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void f.text().then(setCsv);
          }}
        />
      </Modal>
    </Drawer>
  );
}
