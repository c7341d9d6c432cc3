import { PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import {
  App,
  Alert,
  Button,
  Card,
  DatePicker,
  Form,
  InputNumber,
  Modal,
  Popconfirm,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { FormAlert, PageHeader, showFormErrors } from '../../../shared/antd/components';
import { useProducts } from '../../commerce';
import { useT } from '../../i18n';
import { fenToYuan, formatFen, yuanToFen } from '../../money';
import { useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import { useLocations } from '../inventory/api';
import { type FlashSale, type Phase, useFlashSaleAction, useFlashSales, useSaveFlashSale } from './queries';

const phaseColor: Record<Phase, string> = { upcoming: 'blue', running: 'red', ended: 'default', cancelled: 'default' };

export function PhaseTag({ phase }: { phase: Phase }) {
  const t = useT();
  return (
    <Tag color={phaseColor[phase]} data-testid="fs-phase">
      {t(`fs.phase.${phase}`)}
    </Tag>
  );
}

/** The shop's flash sales with live counters; create, edit, start and end them. */
export function FlashSalesPage() {
  const t = useT();
  const locale = useLocale();
  const { shop } = useCurrentShop();
  const list = useFlashSales(shop.id);
  const action = useFlashSaleAction(shop.id);
  const { message } = App.useApp();
  const [editing, setEditing] = useState<FlashSale | 'new' | null>(null);

  if (list.isError && !list.data)
    return <ShopError error={list.error} shopId={shop.id} onRetry={() => void list.refetch()} />;

  const act = (s: FlashSale, to: 'start' | 'end') =>
    action.mutate(
      { id: s.id, action: to },
      {
        onSuccess: () => void message.success(t(to === 'start' ? 'fs.started' : 'fs.ended')),
        onError: (e) => void message.error((e as Error).message),
      },
    );

  return (
    <div data-testid="flash-sales-page">
      <PageHeader
        title={t('fs.title')}
        subtitle={t('fs.sub')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="fs-new">
            {t('fs.new')}
          </Button>
        }
      />
      <Card extra={<Typography.Text type="secondary">{t('fs.live')}</Typography.Text>}>
        <Table<FlashSale>
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: t('fs.empty') }}
          scroll={{ x: 960 }}
          columns={[
            {
              title: t('fs.col.product'),
              key: 'product',
              render: (_, s) => (
                <Space>
                  {s.imageUrl ? (
                    <img
                      src={s.imageUrl}
                      alt=""
                      width={40}
                      height={40}
                      style={{ objectFit: 'cover', borderRadius: 4 }}
                    />
                  ) : null}
                  <div>
                    <div data-testid="fs-title">{s.title}</div>
                    <Typography.Text type="secondary">{s.specText || t('fs.form.singleSku')}</Typography.Text>
                  </div>
                </Space>
              ),
            },
            {
              title: t('fs.col.price'),
              key: 'price',
              render: (_, s) => (
                <div>
                  <Typography.Text strong style={{ color: '#e4393c' }}>
                    {formatFen(s.price, locale)}
                  </Typography.Text>
                  <div>
                    <Typography.Text type="secondary" delete>
                      {t('fs.regular', { price: formatFen(s.regularPrice, locale) })}
                    </Typography.Text>
                  </div>
                </div>
              ),
            },
            {
              title: t('fs.col.time'),
              key: 'time',
              render: (_, s) => (
                <div style={{ whiteSpace: 'nowrap' }}>
                  <div>{formatShortDateTime(s.startsAt, locale)}</div>
                  <div>{formatShortDateTime(s.endsAt, locale)}</div>
                </div>
              ),
            },
            { title: t('fs.col.phase'), dataIndex: 'phase', render: (p: Phase) => <PhaseTag phase={p} /> },
            {
              title: t('fs.col.progress'),
              key: 'progress',
              width: 220,
              render: (_, s) => (
                <div data-testid="fs-progress">
                  <Typography.Text>
                    <span data-testid="fs-sold">{s.sold}</span> / <span data-testid="fs-paid">{s.paid}</span> /{' '}
                    <span data-testid="fs-left">{s.left}</span>
                  </Typography.Text>
                  <Progress
                    percent={Math.round((s.sold / Math.max(1, s.quota + s.returned)) * 100)}
                    success={{ percent: Math.round((s.paid / Math.max(1, s.quota + s.returned)) * 100) }}
                    size="small"
                    showInfo={false}
                  />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('fs.quotaOf', { n: s.quota })}
                    {s.returned > 0 ? ` · ${t('fs.returned', { n: s.returned })}` : ''}
                  </Typography.Text>
                </div>
              ),
            },
            { title: t('fs.col.limit'), dataIndex: 'perShopperLimit' },
            {
              title: t('fs.col.actions'),
              key: 'actions',
              render: (_, s) => (
                <Space size={4} wrap>
                  {s.phase === 'upcoming' || s.phase === 'running' ? (
                    <Button size="small" type="link" onClick={() => setEditing(s)} data-testid="fs-edit">
                      {t('fs.action.edit')}
                    </Button>
                  ) : null}
                  {s.phase === 'upcoming' ? (
                    <Button
                      size="small"
                      type="link"
                      icon={<ThunderboltOutlined />}
                      onClick={() => act(s, 'start')}
                      data-testid="fs-start"
                    >
                      {t('fs.action.start')}
                    </Button>
                  ) : null}
                  {s.phase === 'upcoming' || s.phase === 'running' ? (
                    <Popconfirm
                      title={t(s.phase === 'running' ? 'fs.confirmEnd' : 'fs.confirmCancel')}
                      onConfirm={() => act(s, 'end')}
                    >
                      <Button size="small" type="link" danger data-testid="fs-end">
                        {t(s.phase === 'running' ? 'fs.action.end' : 'fs.action.cancel')}
                      </Button>
                    </Popconfirm>
                  ) : null}
                  {s.phase !== 'cancelled' ? (
                    <Button size="small" type="link" href={`/m/shops/${shop.id}/flash-sales/${s.id}`} target="_blank">
                      {t('fs.action.link')}
                    </Button>
                  ) : null}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {editing ? (
        <FlashSaleForm
          shopId={shop.id}
          sale={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void message.success(t('fs.saved'));
          }}
        />
      ) : null}
    </div>
  );
}

interface FormValues {
  productId?: string;
  skuId?: string;
  locationId?: string;
  price?: number;
  quota?: number;
  perShopperLimit: number;
  window?: [Dayjs, Dayjs];
}

function FlashSaleForm({
  shopId,
  sale,
  onClose,
  onSaved,
}: {
  shopId: string;
  sale: FlashSale | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = useT();
  const locale = useLocale();
  const [form] = Form.useForm<FormValues>();
  const [search, setSearch] = useState('');
  const [error, setError] = useState<string | null>(null);
  const products = useProducts(shopId, { q: search || undefined, status: 'on_shelf' });
  const locations = useLocations(shopId);
  const save = useSaveFlashSale(shopId);
  const productId = Form.useWatch('productId', form);
  const running = sale?.phase === 'running';

  const productItems = useMemo(() => products.data?.pages.flatMap((p) => p.items) ?? [], [products.data]);
  const product = productItems.find((p) => p.id === productId);

  const submit = (v: FormValues) => {
    setError(null);
    const [start, end] = v.window!;
    const onError = (e: unknown) =>
      setError(showFormErrors(form, e, { startsAt: 'window', endsAt: 'window', price: 'price', quota: 'quota' }));
    if (sale) {
      save.mutate(
        {
          id: sale.id,
          update: running
            ? { endsAt: end.toISOString() }
            : {
                price: yuanToFen(v.price!),
                quota: v.quota!,
                perShopperLimit: v.perShopperLimit,
                startsAt: start.toISOString(),
                endsAt: end.toISOString(),
              },
        },
        { onSuccess: onSaved, onError },
      );
    } else {
      save.mutate(
        {
          create: {
            skuId: v.skuId!,
            locationId: v.locationId,
            price: yuanToFen(v.price!),
            quota: v.quota!,
            perShopperLimit: v.perShopperLimit,
            startsAt: start.toISOString(),
            endsAt: end.toISOString(),
          },
        },
        { onSuccess: onSaved, onError },
      );
    }
  };

  const required = [{ required: true, message: t('fs.form.required') }];
  return (
    <Modal
      open
      title={t(sale ? 'fs.form.editTitle' : 'fs.form.newTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('fs.form.save')}
      cancelText={t('fs.form.cancel')}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'fs-save' } as Record<string, string>}
      width={560}
      destroyOnHidden
    >
      <FormAlert message={error} />
      {running ? <Alert type="info" showIcon message={t('fs.form.runningHint')} style={{ marginBottom: 16 }} /> : null}
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={
          sale
            ? {
                price: fenToYuan(sale.price),
                quota: sale.quota,
                perShopperLimit: sale.perShopperLimit,
                window: [dayjs(sale.startsAt), dayjs(sale.endsAt)],
              }
            : {
                perShopperLimit: 1,
                window: [dayjs().add(10, 'minute').startOf('minute'), dayjs().add(2, 'hour').startOf('minute')],
              }
        }
      >
        {sale ? (
          <Form.Item label={t('fs.form.product')}>
            <Typography.Text strong>{sale.title}</Typography.Text>{' '}
            <Typography.Text type="secondary">{sale.specText}</Typography.Text>
          </Form.Item>
        ) : (
          <>
            <Form.Item name="productId" label={t('fs.form.product')} rules={required}>
              <Select
                showSearch
                filterOption={false}
                onSearch={setSearch}
                placeholder={t('fs.form.productPlaceholder')}
                loading={products.isFetching}
                options={productItems.map((p) => ({ value: p.id, label: p.title }))}
                onChange={(id: string) => {
                  const p = productItems.find((x) => x.id === id);
                  form.setFieldsValue({ skuId: p?.skus.length === 1 ? p.skus[0]!.id : undefined });
                }}
                data-testid="fs-product"
              />
            </Form.Item>
            <Form.Item name="skuId" label={t('fs.form.sku')} rules={required}>
              <Select
                disabled={!product}
                options={(product?.skus ?? []).map((s) => ({
                  value: s.id,
                  label: t('fs.form.skuOption', {
                    spec: Object.values(s.spec).join(' / ') || t('fs.form.singleSku'),
                    price: formatFen(s.price, locale),
                    available: s.available,
                  }),
                }))}
                data-testid="fs-sku"
              />
            </Form.Item>
            <Form.Item name="locationId" label={t('fs.form.location')}>
              <Select
                allowClear
                loading={locations.isPending}
                placeholder={locations.data?.find((l) => l.isDefault)?.name}
                options={(locations.data ?? []).filter((l) => l.active).map((l) => ({ value: l.id, label: l.name }))}
                data-testid="fs-location"
              />
            </Form.Item>
          </>
        )}
        <Space size="large" wrap>
          <Form.Item name="price" label={t('fs.form.price')} rules={required}>
            <InputNumber min={0.01} step={1} precision={2} disabled={running} data-testid="fs-price" />
          </Form.Item>
          <Form.Item name="quota" label={t('fs.form.quota')} rules={required} tooltip={t('fs.form.quotaHint')}>
            <InputNumber min={1} max={1_000_000} precision={0} disabled={running} data-testid="fs-quota" />
          </Form.Item>
          <Form.Item name="perShopperLimit" label={t('fs.form.limit')} rules={required}>
            <InputNumber min={1} max={100} precision={0} disabled={running} data-testid="fs-limit" />
          </Form.Item>
        </Space>
        <Form.Item name="window" label={t('fs.form.time')} rules={required}>
          <DatePicker.RangePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            disabled={running ? [true, false] : false}
            data-testid="fs-window"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
