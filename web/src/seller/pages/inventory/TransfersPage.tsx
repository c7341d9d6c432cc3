import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tabs, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { api, call } from '../../../api/client';
import { formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { PageHeader, showFormErrors } from '../../../shared/antd/components';
import { useT } from '../../i18n';
import { hasPermission, useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import {
  type Transfer,
  type TransferStatus,
  useCreateTransfer,
  useLocations,
  useTransferAction,
  useTransfers,
} from './api';

const STATUS_COLOR: Record<TransferStatus, string> = {
  draft: 'default',
  shipped: 'processing',
  received: 'success',
  cancelled: 'error',
};

export function TransferStatusTag({ status }: { status: TransferStatus }) {
  const t = useT();
  return <Tag color={STATUS_COLOR[status]}>{t(`tr.status.${status}`)}</Tag>;
}

export function TransfersPage() {
  const t = useT();
  const locale = useLocale();
  const membership = useCurrentShop();
  const shopId = membership.shop.id;
  const canWrite = hasPermission(membership, 'stock.write');
  const [status, setStatus] = useState<TransferStatus | undefined>();
  const transfers = useTransfers(shopId, { status });
  const rows = useMemo(() => transfers.data?.pages.flatMap((p) => p.items) ?? [], [transfers.data]);
  const locations = useLocations(shopId);
  const names = new Map((locations.data ?? []).map((l) => [l.id, l.name]));
  const action = useTransferAction(shopId);
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);

  if (transfers.isError && !transfers.data)
    return <ShopError error={transfers.error} shopId={shopId} onRetry={() => void transfers.refetch()} />;

  const run = (tr: Transfer, a: 'ship' | 'receive' | 'cancel') =>
    action.mutate(
      { transferId: tr.id, action: a },
      {
        onSuccess: () =>
          void message.success(t(a === 'ship' ? 'tr.shipped' : a === 'receive' ? 'tr.received' : 'tr.cancelled')),
        onError: (e) => void message.error({ content: e.message, duration: 6 }),
      },
    );

  return (
    <div data-testid="transfers-page">
      <PageHeader
        title={t('tr.title')}
        subtitle={t('tr.sub')}
        extra={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="transfer-new">
              {t('tr.new')}
            </Button>
          ) : null
        }
      />
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={status ?? 'all'}
          onChange={(k) => setStatus(k === 'all' ? undefined : (k as TransferStatus))}
          items={[
            { key: 'all', label: t('tr.all') },
            ...(['draft', 'shipped', 'received', 'cancelled'] as const).map((s) => ({
              key: s,
              label: t(`tr.status.${s}`),
            })),
          ]}
        />
        <Table<Transfer>
          data-testid="transfers-table"
          rowKey="id"
          loading={transfers.isFetching && !transfers.isFetchingNextPage}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('tr.empty') }}
          columns={[
            { title: t('tr.createdAt'), render: (_, r) => formatShortDateTime(r.createdAt, locale) },
            {
              title: `${t('tr.from')} → ${t('tr.to')}`,
              render: (_, r) => (
                <span>
                  {names.get(r.fromLocationId) ?? r.fromLocationId} → {names.get(r.toLocationId) ?? r.toLocationId}
                </span>
              ),
            },
            {
              title: t('tr.lines'),
              render: (_, r) => (
                <div style={{ maxWidth: 360 }}>
                  {r.lines.map((l) => (
                    <div key={l.skuId}>
                      {l.title} {l.specText} × {l.quantity}
                    </div>
                  ))}
                </div>
              ),
            },
            { title: t('tr.status'), render: (_, r) => <TransferStatusTag status={r.status} /> },
            { title: t('tr.note'), render: (_, r) => r.note ?? '—' },
            ...(canWrite
              ? [
                  {
                    title: t('tr.actions'),
                    key: 'actions',
                    render: (_: unknown, r: Transfer) => (
                      <Space>
                        {r.status === 'draft' ? (
                          <>
                            <Popconfirm title={t('tr.ship')} onConfirm={() => run(r, 'ship')}>
                              <Button size="small" type="primary" data-testid={`transfer-ship-${r.id}`}>
                                {t('tr.ship')}
                              </Button>
                            </Popconfirm>
                            <Popconfirm title={t('tr.cancelTransfer')} onConfirm={() => run(r, 'cancel')}>
                              <Button size="small" danger data-testid={`transfer-cancel-${r.id}`}>
                                {t('tr.cancelTransfer')}
                              </Button>
                            </Popconfirm>
                          </>
                        ) : null}
                        {r.status === 'shipped' ? (
                          <Popconfirm title={t('tr.receive')} onConfirm={() => run(r, 'receive')}>
                            <Button size="small" type="primary" data-testid={`transfer-receive-${r.id}`}>
                              {t('tr.receive')}
                            </Button>
                          </Popconfirm>
                        ) : null}
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
        {transfers.hasNextPage ? (
          <div style={{ textAlign: 'center', marginTop: 12 }}>
            <Button onClick={() => void transfers.fetchNextPage()} loading={transfers.isFetchingNextPage}>
              {t('inv.loadMore')}
            </Button>
          </div>
        ) : null}
      </Card>
      <NewTransferModal shopId={shopId} open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}

interface NewTransferValues {
  fromLocationId: string;
  toLocationId: string;
  note?: string;
  lines: { skuId: string; quantity: number }[];
}

/** SKUs found by product name, labelled with what is available at the source. */
function useSkuOptions(shopId: string, fromLocationId: string | undefined) {
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [loading, setLoading] = useState(false);
  const search = async (q: string) => {
    setLoading(true);
    try {
      const grid = await call(
        api.GET('/api/shops/{shopId}/stock', {
          params: { path: { shopId }, query: { q: q || undefined, locationId: fromLocationId, limit: 20 } },
        }),
      );
      setOptions(
        grid.items.map((r) => ({
          value: r.skuId,
          label: `${r.title} ${r.specText}${fromLocationId ? `（${r.levels[0]?.available ?? 0}）` : ''}`.trim(),
        })),
      );
    } finally {
      setLoading(false);
    }
  };
  return { options, loading, search };
}

function NewTransferModal({ shopId, open, onClose }: { shopId: string; open: boolean; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<NewTransferValues>();
  const locations = useLocations(shopId);
  const create = useCreateTransfer(shopId);
  const { message } = App.useApp();
  const from = Form.useWatch('fromLocationId', form);
  const skus = useSkuOptions(shopId, from);
  const options = (locations.data ?? []).filter((l) => l.active).map((l) => ({ value: l.id, label: l.name }));

  return (
    <Modal
      title={t('tr.new')}
      open={open}
      onCancel={onClose}
      width={640}
      destroyOnHidden
      okText={t('inv.save')}
      cancelText={t('inv.cancel')}
      okButtonProps={{ 'data-testid': 'transfer-save' } as Record<string, string>}
      confirmLoading={create.isPending}
      afterOpenChange={(o) => o && void skus.search('')}
      onOk={async () => {
        const v = await form.validateFields().catch(() => null);
        if (!v) return;
        create.mutate(
          { ...v, note: v.note || undefined },
          {
            onSuccess: () => {
              void message.success(t('tr.created'));
              onClose();
            },
            onError: (e) => {
              const detail = showFormErrors(form, e);
              void message.error(detail);
            },
          },
        );
      }}
    >
      <Form<NewTransferValues>
        form={form}
        layout="vertical"
        initialValues={{ lines: [{ quantity: 1 }] }}
        preserve={false}
      >
        <Space.Compact block>
          <Form.Item
            name="fromLocationId"
            label={t('tr.from')}
            style={{ flex: 1 }}
            rules={[{ required: true, message: t('loc.required') }]}
          >
            <Select options={options} data-testid="transfer-from" />
          </Form.Item>
          <Form.Item
            name="toLocationId"
            label={t('tr.to')}
            style={{ flex: 1 }}
            dependencies={['fromLocationId']}
            rules={[
              { required: true, message: t('loc.required') },
              ({ getFieldValue }) => ({
                validator: (_, v) =>
                  v && v === getFieldValue('fromLocationId')
                    ? Promise.reject(new Error(t('tr.to')))
                    : Promise.resolve(),
              }),
            ]}
          >
            <Select options={options} data-testid="transfer-to" />
          </Form.Item>
        </Space.Compact>
        <Form.List name="lines">
          {(fields, { add, remove }) => (
            <Space direction="vertical" style={{ width: '100%' }}>
              {fields.map((f, i) => (
                <Space key={f.key} align="start" style={{ width: '100%' }}>
                  <Form.Item
                    name={[f.name, 'skuId']}
                    label={i === 0 ? t('tr.sku') : undefined}
                    rules={[{ required: true, message: t('loc.required') }]}
                    style={{ width: 400, marginBottom: 8 }}
                  >
                    <Select
                      showSearch={{ filterOption: false, onSearch: (q) => void skus.search(q) }}
                      placeholder={t('tr.skuSearch')}
                      options={skus.options}
                      loading={skus.loading}
                      data-testid={`transfer-sku-${i}`}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'quantity']}
                    label={i === 0 ? t('tr.qty') : undefined}
                    rules={[{ required: true, message: t('loc.required') }]}
                    style={{ marginBottom: 8 }}
                  >
                    <InputNumber min={1} precision={0} data-testid={`transfer-qty-${i}`} />
                  </Form.Item>
                  {fields.length > 1 ? (
                    <Button
                      icon={<DeleteOutlined />}
                      onClick={() => remove(f.name)}
                      style={{ marginTop: i === 0 ? 30 : 0 }}
                      aria-label="remove"
                    />
                  ) : null}
                </Space>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ quantity: 1 })}>
                {t('tr.addLine')}
              </Button>
            </Space>
          )}
        </Form.List>
        <Form.Item name="note" label={t('tr.note')} style={{ marginTop: 16 }} rules={[{ max: 200 }]}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
