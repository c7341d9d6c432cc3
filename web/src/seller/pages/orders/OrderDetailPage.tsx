import { ArrowLeftOutlined, CarOutlined, StopOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Row,
  Space,
  Steps,
  Table,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { formatDateTime, formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { FormAlert, PageHeader, PageLoading, showFormErrors } from '../../../shared/antd/components';
import { useCommonT } from '../../../shared/antd/i18n';
import { type AftersaleCase, type Order, useCancelOrder, useCases, useOrder } from '../../commerce';
import { useT } from '../../i18n';
import { formatFen } from '../../money';
import { hasPermission, useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import { ShipmentsCard } from '../fulfillment/ShipmentsCard';
import { ProductThumb } from '../products/ProductsPage';
import { CaseStatusTag, noteText, OrderStatusTag } from './shared';
import { ShipModal } from './ShipModal';

type Line = Order['lines'][number];

/** Where the order stands: the steps done are ticked, the next one is current (Steps wants its index). */
function progress(o: Order): { current: number; status: 'process' | 'finish' | 'error' } {
  switch (o.status) {
    case 'pending_payment':
      return { current: 1, status: 'process' };
    case 'paid':
      return { current: 2, status: 'process' };
    case 'shipped':
      return { current: 3, status: 'process' };
    case 'received':
      return { current: 4, status: 'process' };
    case 'completed':
      return { current: 4, status: 'finish' };
    default:
      // Cancelled or closed: the step it stopped at is marked.
      return { current: o.shippedAt ? 3 : o.paidAt ? 2 : 1, status: 'error' };
  }
}

export function OrderDetailPage() {
  const t = useT();
  const c = useCommonT();
  const locale = useLocale();
  const navigate = useNavigate();
  const { orderId = '' } = useParams();
  const membership = useCurrentShop();
  const { shop } = membership;
  const order = useOrder(shop.id, orderId);
  const cases = useCases(shop.id, { orderId }, hasPermission(membership, 'aftersales.manage'));
  const cancel = useCancelOrder(shop.id);
  const [shipping, setShipping] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [cancelForm] = Form.useForm<{ reason: string }>();
  const [cancelError, setCancelError] = useState<string | null>(null);
  const { message } = App.useApp();
  const money = (fen: number) => formatFen(fen, locale);

  if (order.isPending) return <PageLoading />;
  if (order.isError) return <ShopError error={order.error} shopId={shop.id} onRetry={() => void order.refetch()} />;
  const o = order.data;
  const { current, status } = progress(o);
  const caseRows = cases.data?.pages.flatMap((p) => p.items) ?? [];
  const a = o.address;
  const ended = o.status === 'cancelled' || o.status === 'closed';

  return (
    <div data-testid="order-detail">
      <PageHeader
        title={
          <Space>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              aria-label={t('common.back')}
              onClick={() => navigate(`/shops/${shop.id}/orders`)}
            />
            {t('orderDetail.title')}
            <span className="qd-mono" style={{ fontWeight: 400 }} data-testid="detail-order-no">
              {o.orderNo}
            </span>
            <OrderStatusTag status={o.status} />
          </Space>
        }
        extra={
          <Space>
            {o.status === 'pending_payment' && hasPermission(membership, 'orders.write') ? (
              <Button icon={<StopOutlined />} danger onClick={() => setCancelling(true)}>
                {t('orderDetail.cancel')}
              </Button>
            ) : null}
            {o.status === 'paid' &&
            hasPermission(membership, 'fulfilment.manage') &&
            o.shipments.filter((p) => p.status !== 'cancelled').length <= 1 ? (
              <Button type="primary" icon={<CarOutlined />} onClick={() => setShipping(true)} data-testid="detail-ship">
                {t('orders.ship')}
              </Button>
            ) : null}
          </Space>
        }
      />

      <Card style={{ marginBottom: 16 }}>
        <Steps
          current={current}
          status={status}
          size="small"
          data-testid="order-steps"
          items={[
            { title: t('orderDetail.step.placed'), content: formatShortDateTime(o.createdAt, locale) },
            {
              title: t('orderDetail.step.paid'),
              content: o.paidAt
                ? formatShortDateTime(o.paidAt, locale)
                : o.status === 'pending_payment'
                  ? t('orderDetail.payBy', { time: formatShortDateTime(o.payBy, locale) })
                  : undefined,
            },
            {
              title: t('orderDetail.step.shipped'),
              content: o.shippedAt ? formatShortDateTime(o.shippedAt, locale) : undefined,
            },
            {
              title: t('orderDetail.step.received'),
              content: o.receivedAt ? formatShortDateTime(o.receivedAt, locale) : undefined,
            },
            {
              title: t('orderDetail.step.completed'),
              content: o.completedAt ? formatShortDateTime(o.completedAt, locale) : undefined,
            },
          ]}
        />
        {ended ? (
          <Typography.Paragraph type="secondary" style={{ margin: '12px 0 0' }}>
            {t(o.status === 'cancelled' ? 'orderDetail.cancelledAt' : 'orderDetail.closedAt', {
              time: formatDateTime(o.closedAt, locale),
            })}
            {o.closeReason ? ` · ${noteText(t, o.closeReason, money)}` : ''}
          </Typography.Paragraph>
        ) : null}
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title={t('orderDetail.items')} styles={{ body: { padding: 0 } }} style={{ marginBottom: 16 }}>
            <Table<Line>
              rowKey="lineNo"
              dataSource={o.lines}
              pagination={false}
              data-testid="order-lines"
              columns={[
                {
                  title: t('orderDetail.product'),
                  key: 'product',
                  render: (_, l) => (
                    <div className="qd-product-cell">
                      <ProductThumb url={l.imageUrl} size={48} />
                      <div>
                        <div>{l.title}</div>
                        <div className="qd-sub">{l.specText}</div>
                      </div>
                    </div>
                  ),
                },
                {
                  title: t('orderDetail.unitPrice'),
                  key: 'unit',
                  width: 120,
                  align: 'right',
                  render: (_, l) => money(l.unitPrice),
                },
                {
                  title: t('orderDetail.quantity'),
                  key: 'qty',
                  width: 80,
                  align: 'right',
                  render: (_, l) => `×${l.quantity}`,
                },
                {
                  title: t('orderDetail.lineTotal'),
                  key: 'total',
                  width: 130,
                  align: 'right',
                  render: (_, l) => money(l.lineTotal),
                },
              ]}
              summary={() => (
                <Table.Summary>
                  <Table.Summary.Row>
                    <Table.Summary.Cell index={0} colSpan={4}>
                      <div className="qd-amounts" data-testid="order-amounts">
                        <span>{t('orderDetail.itemsTotal')}</span>
                        <span>{money(o.itemsTotal)}</span>
                        <span>{t('orderDetail.shippingFee')}</span>
                        <span>{money(o.shippingFee)}</span>
                        <span className="qd-amount-strong">{t('orderDetail.total')}</span>
                        <span className="qd-amount-strong qd-money">{money(o.total)}</span>
                        <span>{t('orderDetail.paid')}</span>
                        <span>{o.paidAt ? money(o.paidAmount) : '—'}</span>
                        {o.refundedAmount ? (
                          <>
                            <span>{t('orderDetail.refunded')}</span>
                            <span style={{ color: '#cf1322' }}>-{money(o.refundedAmount)}</span>
                          </>
                        ) : null}
                      </div>
                    </Table.Summary.Cell>
                  </Table.Summary.Row>
                </Table.Summary>
              )}
            />
          </Card>

          <ShipmentsCard order={o} />

          {hasPermission(membership, 'aftersales.manage') ? (
            <Card title={t('orderDetail.refunds')} styles={{ body: { padding: caseRows.length ? 0 : undefined } }}>
              {caseRows.length ? (
                <Table<AftersaleCase>
                  rowKey="id"
                  dataSource={caseRows}
                  pagination={false}
                  size="small"
                  columns={[
                    { title: t('as.col.type'), key: 'type', render: (_, k) => t(`case.type.${k.type}`) },
                    { title: t('as.col.reason'), key: 'reason', dataIndex: 'reason' },
                    {
                      title: t('as.col.amount'),
                      key: 'amount',
                      align: 'right',
                      render: (_, k) => money(k.amount),
                    },
                    { title: t('as.col.status'), key: 'status', render: (_, k) => <CaseStatusTag status={k.status} /> },
                    {
                      title: t('as.col.created'),
                      key: 'created',
                      render: (_, k) => formatShortDateTime(k.createdAt, locale),
                    },
                    {
                      title: '',
                      key: 'open',
                      render: (_, k) => (
                        <Typography.Link onClick={() => navigate(`/shops/${shop.id}/aftersales?case=${k.id}`)}>
                          {t('as.handle')}
                        </Typography.Link>
                      ),
                    },
                  ]}
                />
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('orderDetail.noRefunds')} />
              )}
            </Card>
          ) : null}
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t('orderDetail.info')} style={{ marginBottom: 16 }}>
            <Descriptions column={1} size="small" styles={{ label: { width: 96 } }}>
              <Descriptions.Item label={t('orders.orderNo')}>
                <Typography.Text copyable className="qd-mono">
                  {o.orderNo}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('orderDetail.createdAt')}>
                {formatDateTime(o.createdAt, locale)}
              </Descriptions.Item>
              <Descriptions.Item label={t('orderDetail.paidAt')}>{formatDateTime(o.paidAt, locale)}</Descriptions.Item>
              <Descriptions.Item label={t('orderDetail.fulfilment')}>
                {t(`orderDetail.fulfilment.${o.fulfilment}`)}
              </Descriptions.Item>
              <Descriptions.Item label={t('orderDetail.buyerNote')}>{o.buyerNote || '—'}</Descriptions.Item>
            </Descriptions>
          </Card>
          <Card title={t('orderDetail.delivery')} style={{ marginBottom: 16 }}>
            <Descriptions column={1} size="small" styles={{ label: { width: 96 } }} data-testid="order-address">
              <Descriptions.Item label={t('orders.receiver')}>{a.name}</Descriptions.Item>
              <Descriptions.Item label={t('orderDetail.phone')}>{a.phone}</Descriptions.Item>
              <Descriptions.Item label={t('orders.address')}>
                {a.province ? `${a.province} ${a.city} ${a.district} ${a.detail}` : t('orderDetail.noAddress')}
              </Descriptions.Item>
              <Descriptions.Item label={t('ship.carrier')}>{o.carrier ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('ship.trackingNo')}>
                {o.trackingNo ? (
                  <Typography.Text copyable className="qd-mono" data-testid="detail-tracking">
                    {o.trackingNo}
                  </Typography.Text>
                ) : (
                  '—'
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('orderDetail.shippedAt')}>
                {formatDateTime(o.shippedAt, locale)}
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Card title={t('orderDetail.log')}>
            <Timeline
              data-testid="order-timeline"
              items={[...o.timeline].reverse().map((e, i) => ({
                key: `${e.at}-${i}`,
                color: e.status === 'cancelled' || e.status === 'closed' ? 'gray' : i === 0 ? 'orange' : 'blue',
                content: (
                  <div>
                    <Typography.Text strong>{t(`order.event.${e.status as Order['status']}`)}</Typography.Text>
                    {e.note ? <div className="qd-sub">{noteText(t, e.note, money)}</div> : null}
                    <div className="qd-sub">{formatDateTime(e.at, locale)}</div>
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>

      <ShipModal shopId={shop.id} order={shipping ? o : null} onClose={() => setShipping(false)} />
      <Modal
        title={t('orderDetail.cancelTitle')}
        open={cancelling}
        onCancel={() => setCancelling(false)}
        okText={t('orderDetail.cancelSubmit')}
        cancelText={c('cancel')}
        okButtonProps={{ danger: true }}
        confirmLoading={cancel.isPending}
        destroyOnHidden
        forceRender
        onOk={() =>
          void cancelForm
            .validateFields()
            .then((v) => {
              setCancelError(null);
              cancel.mutate(
                { orderId: o.id, reason: v.reason.trim() },
                {
                  onSuccess: () => {
                    void message.success(t('orderDetail.cancelled'));
                    setCancelling(false);
                  },
                  onError: (e) => setCancelError(showFormErrors(cancelForm, e)),
                },
              );
            })
            .catch(() => undefined)
        }
      >
        <FormAlert message={cancelError} />
        <Form form={cancelForm} layout="vertical" requiredMark={false}>
          <Form.Item
            name="reason"
            label={t('orderDetail.cancelReason')}
            rules={[
              { required: true, whitespace: true, message: t('orderDetail.cancelReasonRequired') },
              { min: 2, max: 200, message: t('orderDetail.cancelReasonLength') },
            ]}
          >
            <Input.TextArea rows={3} maxLength={200} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
