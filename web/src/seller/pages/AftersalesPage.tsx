import { CheckOutlined, CloseOutlined, InboxOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Table,
  Tabs,
  Typography,
} from 'antd';
import { useQueries } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, call } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { formatDateTime, formatShortDateTime } from '../../i18n/locale';
import { useLocale } from '../../i18n/react';
import { FormAlert, PageHeader, showFormErrors } from '../../shared/antd/components';
import { useCommonT } from '../../shared/antd/i18n';
import {
  type AftersaleCase,
  type CaseStatus,
  ck,
  type Order,
  useCase,
  useCaseAction,
  useCases,
  useOrder,
} from '../commerce';
import { useT } from '../i18n';
import { formatFen } from '../money';
import { useCurrentShop } from '../SellerLayout';
import { ShopError } from '../ShopError';
import { CaseStatusTag, OrderStatusTag } from './orders/shared';
import { ProductThumb } from './products/ProductsPage';
import { useUrlParams } from '../components/useUrlParams';

const TABS: (CaseStatus | 'all')[] = [
  'requested',
  'awaiting_return',
  'returned',
  'refunding',
  'refunded',
  'rejected',
  'cancelled',
  'all',
];

/** The after-sales queue: cases by status, a drawer to read one and act on it. */
export function AftersalesPage() {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const { shop } = useCurrentShop();
  const [params, setParams] = useUrlParams();
  const tab = (params.get('status') as CaseStatus | 'all' | null) ?? 'requested';
  const openCase = params.get('case');
  const cases = useCases(shop.id, { status: tab === 'all' ? undefined : tab });
  const rows = useMemo(() => cases.data?.pages.flatMap((p) => p.items) ?? [], [cases.data]);
  // Order numbers for the rows (one cached request per order on the page).
  const orderIds = [...new Set(rows.map((r) => r.orderId))];
  const orders = useQueries({
    queries: orderIds.map((orderId) => ({
      queryKey: ck.order(shop.id, orderId),
      queryFn: () =>
        call(api.GET('/api/shops/{shopId}/orders/{orderId}', { params: { path: { shopId: shop.id, orderId } } })),
      staleTime: 60_000,
    })),
  });
  const orderNo = new Map(orders.flatMap((q) => (q.data ? [[q.data.id, q.data.orderNo] as const] : [])));

  const set = (patch: Record<string, string | undefined>) => {
    setParams(patch);
  };

  if (cases.isError && !cases.data)
    return <ShopError error={cases.error} shopId={shop.id} onRetry={() => void cases.refetch()} />;

  return (
    <div data-testid="aftersales-page">
      <PageHeader title={t('as.title')} subtitle={t('as.sub')} />
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={tab}
          onChange={(key) => set({ status: key === 'requested' ? undefined : key })}
          items={TABS.map((s) => ({ key: s, label: t(`as.tab.${s}`) }))}
        />
        <Table<AftersaleCase>
          data-testid="cases-table"
          rowKey="id"
          loading={cases.isFetching && !cases.isFetchingNextPage}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1000 }}
          locale={{ emptyText: t('as.empty') }}
          columns={[
            {
              title: t('as.col.case'),
              key: 'case',
              width: 190,
              render: (_, k) => (
                <div>
                  <Typography.Link className="qd-mono" onClick={() => set({ case: k.id })}>
                    {k.id.slice(-10)}
                  </Typography.Link>
                  <div className="qd-sub">{formatShortDateTime(k.createdAt, locale)}</div>
                </div>
              ),
            },
            {
              title: t('as.col.order'),
              key: 'order',
              width: 200,
              render: (_, k) => (
                <Typography.Link
                  className="qd-mono"
                  onClick={() => navigate(`/shops/${shop.id}/orders/${k.orderId}`)}
                  data-testid="case-order-no"
                >
                  {orderNo.get(k.orderId) ?? k.orderId.slice(-10)}
                </Typography.Link>
              ),
            },
            { title: t('as.col.type'), key: 'type', width: 120, render: (_, k) => t(`case.type.${k.type}`) },
            {
              title: t('as.col.reason'),
              key: 'reason',
              render: (_, k) => (
                <Typography.Text ellipsis style={{ maxWidth: 260 }}>
                  {k.reason}
                </Typography.Text>
              ),
            },
            {
              title: t('as.col.amount'),
              key: 'amount',
              width: 130,
              align: 'right',
              render: (_, k) => <span className="qd-money">{formatFen(k.amount, locale)}</span>,
            },
            {
              title: t('as.col.status'),
              key: 'status',
              width: 120,
              render: (_, k) => <CaseStatusTag status={k.status} />,
            },
            {
              title: t('products.col.actions'),
              key: 'actions',
              width: 100,
              fixed: 'right',
              render: (_, k) => (
                <Button type="link" size="small" onClick={() => set({ case: k.id })} data-testid="open-case">
                  {k.status === 'requested' || k.status === 'returned' ? t('as.handle') : t('as.view')}
                </Button>
              ),
            },
          ]}
        />
        {cases.hasNextPage ? (
          <div style={{ padding: 12, textAlign: 'center' }}>
            <Button onClick={() => void cases.fetchNextPage()} loading={cases.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </div>
        ) : null}
      </Card>
      <CaseDrawer shopId={shop.id} caseId={openCase} onClose={() => set({ case: undefined })} />
    </div>
  );
}

function CaseDrawer({ shopId, caseId, onClose }: { shopId: string; caseId: string | null; onClose: () => void }) {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const caseQuery = useCase(shopId, caseId);
  const k = caseQuery.data;
  const order = useOrder(shopId, k?.orderId ?? '');
  const money = (fen: number) => formatFen(fen, locale);
  const lines =
    k && order.data ? k.lines.map((l) => ({ ...l, line: order.data.lines.find((x) => x.lineNo === l.lineNo) })) : [];
  return (
    <Drawer
      open={!!caseId}
      onClose={onClose}
      size={620}
      title={
        k ? (
          <Space>
            {t('as.drawerTitle')}
            <CaseStatusTag status={k.status} />
          </Space>
        ) : (
          t('as.drawerTitle')
        )
      }
      extra={k ? <CaseActions shopId={shopId} k={k} /> : null}
      loading={caseQuery.isPending && !!caseId}
      data-testid="case-drawer"
    >
      {caseQuery.isError ? <Alert type="error" showIcon title={errorMessage(caseQuery.error)} /> : null}
      {k ? (
        <>
          <CaseGuide k={k} />
          <Descriptions column={2} size="small" bordered style={{ marginBottom: 16 }} data-testid="case-summary">
            <Descriptions.Item label={t('as.col.type')}>{t(`case.type.${k.type}`)}</Descriptions.Item>
            <Descriptions.Item label={t('as.col.created')}>{formatDateTime(k.createdAt, locale)}</Descriptions.Item>
            <Descriptions.Item label={t('as.col.reason')} span={2}>
              {k.reason}
            </Descriptions.Item>
            <Descriptions.Item label={t('as.description')} span={2}>
              {k.description || '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('as.goodsAmount')}>{money(k.amount - k.shippingRefund)}</Descriptions.Item>
            <Descriptions.Item label={t('as.shippingRefund')}>{money(k.shippingRefund)}</Descriptions.Item>
            <Descriptions.Item label={t('as.refundTotal')} span={2}>
              <Typography.Text strong className="qd-money" data-testid="case-total">
                {money(k.amount)}
              </Typography.Text>
            </Descriptions.Item>
            {k.returnCarrier ? (
              <Descriptions.Item label={t('as.returnShipment')} span={2}>
                {k.returnCarrier} <span className="qd-mono">{k.returnTrackingNo}</span>
              </Descriptions.Item>
            ) : null}
            {k.rejectReason ? (
              <Descriptions.Item label={t('as.rejectReason')} span={2}>
                {k.rejectReason}
              </Descriptions.Item>
            ) : null}
          </Descriptions>
          <Typography.Title level={5}>{t('as.lines')}</Typography.Title>
          <Table
            size="small"
            rowKey="lineNo"
            pagination={false}
            loading={order.isPending}
            dataSource={lines}
            style={{ marginBottom: 16 }}
            columns={[
              {
                title: t('orderDetail.product'),
                key: 'product',
                render: (_, l) => (
                  <div className="qd-product-cell">
                    <ProductThumb url={l.line?.imageUrl} size={40} />
                    <div>
                      <div>{l.line?.title ?? `#${l.lineNo}`}</div>
                      <div className="qd-sub">{l.line?.specText}</div>
                    </div>
                  </div>
                ),
              },
              { title: t('as.qty'), key: 'qty', width: 90, align: 'right', render: (_, l) => `×${l.quantity}` },
              {
                title: t('as.lineRefund'),
                key: 'amount',
                width: 120,
                align: 'right',
                render: (_, l) => money(l.amount),
              },
            ]}
          />
          {order.data ? (
            <OrderSummary order={order.data} onOpen={() => navigate(`/shops/${shopId}/orders/${order.data.id}`)} />
          ) : null}
        </>
      ) : null}
    </Drawer>
  );
}

function OrderSummary({ order, onOpen }: { order: Order; onOpen: () => void }) {
  const t = useT();
  const locale = useLocale();
  const money = (fen: number) => formatFen(fen, locale);
  return (
    <>
      <Typography.Title level={5}>{t('as.order')}</Typography.Title>
      <Descriptions column={2} size="small" bordered>
        <Descriptions.Item label={t('orders.orderNo')}>
          <Typography.Link className="qd-mono" onClick={onOpen}>
            {order.orderNo}
          </Typography.Link>
        </Descriptions.Item>
        <Descriptions.Item label={t('orders.col.status')}>
          <OrderStatusTag status={order.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('orderDetail.total')}>{money(order.total)}</Descriptions.Item>
        <Descriptions.Item label={t('orderDetail.paid')}>{money(order.paidAmount)}</Descriptions.Item>
        <Descriptions.Item label={t('orderDetail.refunded')}>{money(order.refundedAmount)}</Descriptions.Item>
        <Descriptions.Item label={t('orders.receiver')}>
          {order.address.name} {order.address.phone}
        </Descriptions.Item>
      </Descriptions>
    </>
  );
}

/** What the merchant should do next, in words. */
function CaseGuide({ k }: { k: AftersaleCase }) {
  const t = useT();
  const guide: Partial<Record<CaseStatus, string>> = {
    requested: t(k.type === 'refund_only' ? 'as.guide.requestedRefund' : 'as.guide.requestedReturn'),
    awaiting_return: t('as.guide.awaiting_return'),
    returned: t('as.guide.returned'),
    refunding: t('as.guide.refunding'),
    refunded: t('as.guide.refunded'),
  };
  const text = guide[k.status];
  return text ? (
    <Alert
      type={
        k.status === 'refunded' ? 'success' : k.status === 'requested' || k.status === 'returned' ? 'warning' : 'info'
      }
      showIcon
      title={text}
      style={{ marginBottom: 16 }}
      data-testid="case-guide"
    />
  ) : null;
}

function CaseActions({ shopId, k }: { shopId: string; k: AftersaleCase }) {
  const t = useT();
  const c = useCommonT();
  const act = useCaseAction(shopId);
  const { message } = App.useApp();
  const [rejecting, setRejecting] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const [error, setError] = useState<string | null>(null);
  const done = (text: string) => () => void message.success(text);
  const failed = (e: unknown) => void message.error(errorMessage(e));
  const refund = formatFen(k.amount, useLocale());
  return (
    <Space>
      {k.status === 'requested' ? (
        <>
          <Button icon={<CloseOutlined />} danger onClick={() => setRejecting(true)} data-testid="case-reject">
            {t('as.reject')}
          </Button>
          <Popconfirm
            title={t(k.type === 'refund_only' ? 'as.approveRefundConfirm' : 'as.approveReturnConfirm', {
              amount: refund,
            })}
            onConfirm={() =>
              act
                .mutateAsync({ caseId: k.id, action: 'approve' })
                .then(done(t(k.type === 'refund_only' ? 'as.approvedRefund' : 'as.approvedReturn')), failed)
            }
          >
            <Button type="primary" icon={<CheckOutlined />} loading={act.isPending} data-testid="case-approve">
              {t(k.type === 'refund_only' ? 'as.approveRefund' : 'as.approveReturn')}
            </Button>
          </Popconfirm>
        </>
      ) : null}
      {k.status === 'returned' ? (
        <Popconfirm
          title={t('as.receiveConfirm', { amount: refund })}
          onConfirm={() => act.mutateAsync({ caseId: k.id, action: 'receive' }).then(done(t('as.received')), failed)}
        >
          <Button type="primary" icon={<InboxOutlined />} loading={act.isPending} data-testid="case-receive">
            {t('as.receive')}
          </Button>
        </Popconfirm>
      ) : null}
      <Modal
        title={t('as.rejectTitle')}
        open={rejecting}
        onCancel={() => setRejecting(false)}
        okText={t('as.reject')}
        cancelText={c('cancel')}
        okButtonProps={{ danger: true }}
        confirmLoading={act.isPending}
        destroyOnHidden
        forceRender
        onOk={() =>
          void form
            .validateFields()
            .then((v) => {
              setError(null);
              act.mutate(
                { caseId: k.id, action: 'reject', reason: v.reason.trim() },
                {
                  onSuccess: () => {
                    void message.success(t('as.rejected'));
                    setRejecting(false);
                  },
                  onError: (e) => setError(showFormErrors(form, e)),
                },
              );
            })
            .catch(() => undefined)
        }
      >
        <FormAlert message={error} />
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item
            name="reason"
            label={t('as.rejectReason')}
            rules={[
              { required: true, whitespace: true, message: t('as.rejectReasonRequired') },
              { min: 2, max: 200, message: t('as.rejectReasonLength') },
            ]}
          >
            <Input.TextArea rows={3} maxLength={200} showCount placeholder={t('as.rejectPlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
