import { CarOutlined, SwapOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Collapse, Empty, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { formatDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { FormAlert, FormModal, showFormErrors } from '../../../shared/antd/components';
import { type Order } from '../../commerce';
import { useT } from '../../i18n';
import { hasPermission, useCurrentShop } from '../../SellerLayout';
import { CarrierFields } from '../orders/ShipModal';
import { useLocationChoices, useOrderRouting, useReassign, useShipParcel, type Decision, type Shipment } from './api';
import { ExplanationSteps } from './Explanation';

const STATUS_COLOR: Record<Shipment['status'], string> = {
  pending: 'default',
  pooled: 'purple',
  ready: 'orange',
  shipped: 'green',
  picked_up: 'green',
  cancelled: 'default',
};

/** What a parcel holds, in the order's words (title and spec). */
function parcelItems(order: Order, s: Shipment) {
  return s.lines.map((l) => {
    const line =
      order.lines.find((o) => String(o.lineNo) === l.orderLineId) ?? order.lines.find((o) => o.skuId === l.skuId);
    return {
      key: `${l.orderLineId ?? ''}-${l.skuId}`,
      text: [line?.title, line?.specText].filter(Boolean).join(' '),
      quantity: l.quantity,
    };
  });
}

/** The order's parcels: where each ships from, its status and tracking; ship or re-route each; the routing decisions. */
export function ShipmentsCard({ order }: { order: Order }) {
  const t = useT();
  const locale = useLocale();
  const membership = useCurrentShop();
  const shopId = membership.shop.id;
  const routing = useOrderRouting(shopId, order.id);
  const canManage = hasPermission(membership, 'fulfilment.manage');
  const [shipping, setShipping] = useState<Shipment | null>(null);
  const [rerouting, setRerouting] = useState<Shipment | null>(null);
  const parcels = routing.data?.shipments ?? order.shipments;
  const decisions = routing.data?.decisions ?? [];

  return (
    <Card
      title={t('shp.title')}
      style={{ marginBottom: 16 }}
      styles={{ body: { padding: parcels.length ? 0 : undefined } }}
      data-testid="order-shipments"
    >
      {parcels.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('shp.none')} />
      ) : (
        <Table<Shipment>
          rowKey="id"
          dataSource={parcels}
          pagination={false}
          size="small"
          onRow={(s) =>
            ({ 'data-testid': 'shipment-row', 'data-status': s.status }) as React.HTMLAttributes<HTMLElement>
          }
          columns={[
            {
              title: '#',
              key: 'n',
              width: 90,
              render: (_, s, i) => (
                <Space direction="vertical" size={0}>
                  <span>{t('shp.parcel', { n: i + 1 })}</span>
                  <span className="qd-sub">{t(`shp.kind.${s.kind}`)}</span>
                </Space>
              ),
            },
            {
              title: t('shp.location'),
              key: 'location',
              render: (_, s) => (
                <span data-testid="shipment-location">
                  {s.locationName}
                  <Tag style={{ marginLeft: 6 }}>{t(`shp.loc.${s.locationKind}`)}</Tag>
                </span>
              ),
            },
            {
              title: t('shp.items'),
              key: 'items',
              render: (_, s) =>
                parcelItems(order, s).map((l) => (
                  <div key={l.key}>
                    {l.text} ×{l.quantity}
                  </div>
                )),
            },
            {
              title: t('shp.status'),
              key: 'status',
              width: 110,
              render: (_, s) => (
                <Tag color={STATUS_COLOR[s.status]} data-testid="shipment-status">
                  {t(`shp.status.${s.status}`)}
                </Tag>
              ),
            },
            {
              title: t('shp.tracking'),
              key: 'tracking',
              render: (_, s) =>
                s.trackingNo ? (
                  <div>
                    <div>{s.carrier}</div>
                    <Typography.Text copyable className="qd-mono" data-testid="shipment-tracking">
                      {s.trackingNo}
                    </Typography.Text>
                    <div className="qd-sub">{formatDateTime(s.shippedAt, locale)}</div>
                  </div>
                ) : (
                  '—'
                ),
            },
            {
              title: '',
              key: 'actions',
              width: 170,
              render: (_, s) =>
                canManage ? (
                  <Space size={4}>
                    {s.status === 'ready' && s.kind === 'ship' && order.status === 'paid' ? (
                      <Button
                        size="small"
                        type="primary"
                        icon={<CarOutlined />}
                        onClick={() => setShipping(s)}
                        data-testid="shipment-ship"
                      >
                        {t('shp.ship')}
                      </Button>
                    ) : null}
                    {['pending', 'pooled', 'ready'].includes(s.status) ? (
                      <Button
                        size="small"
                        icon={<SwapOutlined />}
                        onClick={() => setRerouting(s)}
                        data-testid="shipment-reroute"
                      >
                        {t('shp.reroute')}
                      </Button>
                    ) : null}
                  </Space>
                ) : null,
            },
          ]}
        />
      )}
      {decisions.length ? (
        <Collapse
          ghost
          data-testid="routing-decisions"
          items={decisions.map((d, i) => ({
            key: d.id,
            label: <DecisionLabel d={d} latest={i === 0} />,
            children: <ExplanationSteps steps={d.steps} testId="decision-steps" />,
          }))}
          defaultActiveKey={decisions.length ? [decisions[decisions.length - 1]!.id] : []}
          style={{ borderTop: parcels.length ? '1px solid #f0f0f0' : undefined }}
        />
      ) : null}
      <ShipParcelModal order={order} shipment={shipping} onClose={() => setShipping(null)} />
      <RerouteModal shipment={rerouting} onClose={() => setRerouting(null)} />
    </Card>
  );
}

function DecisionLabel({ d, latest }: { d: Decision; latest: boolean }) {
  const t = useT();
  const locale = useLocale();
  return (
    <Space wrap data-testid="decision">
      <Typography.Text strong>{t('dec.title')}</Typography.Text>
      <Tag color={d.trigger === 'manual' ? 'orange' : latest ? 'blue' : 'default'}>{t(`dec.trigger.${d.trigger}`)}</Tag>
      <span className="qd-sub">{formatDateTime(d.createdAt, locale)}</span>
      {d.reason ? <span className="qd-sub">{t('dec.reason', { reason: d.reason })}</span> : null}
    </Space>
  );
}

function ShipParcelModal({
  order,
  shipment,
  onClose,
}: {
  order: Order;
  shipment: Shipment | null;
  onClose: () => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const shopId = useCurrentShop().shop.id;
  const [form] = Form.useForm<{ carrier: string; trackingNo: string }>();
  const ship = useShipParcel(shopId);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !shipment) return;
    setError(null);
    ship.mutate(
      { orderId: order.id, shipmentId: shipment.id, carrier: v.carrier, trackingNo: v.trackingNo.trim() },
      {
        onSuccess: () => {
          void message.success(t('shp.shipped'));
          onClose();
        },
        onError: (e) => setError(showFormErrors(form, e)),
      },
    );
  };
  return (
    <FormModal
      form={form}
      title={shipment ? t('shp.shipTitle', { location: shipment.locationName }) : ''}
      open={!!shipment}
      okText={t('ship.submit')}
      pending={ship.isPending}
      onClose={onClose}
      onOk={() => void submit()}
      onAfterClose={() => setError(null)}
    >
      {shipment ? (
        <div style={{ marginBottom: 12 }}>
          {parcelItems(order, shipment).map((l) => (
            <div key={l.key}>
              {l.text} ×{l.quantity}
            </div>
          ))}
        </div>
      ) : null}
      <FormAlert message={error} />
      <Form form={form} layout="vertical" requiredMark={false} data-testid="parcel-ship-form">
        <CarrierFields testIdPrefix="parcel" />
      </Form>
    </FormModal>
  );
}

function RerouteModal({ shipment, onClose }: { shipment: Shipment | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const shopId = useCurrentShop().shop.id;
  const locations = useLocationChoices(shopId, !!shipment);
  const reassign = useReassign(shopId);
  const [form] = Form.useForm<{ locationId: string; reason?: string }>();
  const [error, setError] = useState<string | null>(null);
  const usable = (locations.data ?? []).filter(
    (l) =>
      l.active &&
      l.id !== shipment?.locationId &&
      (shipment?.kind === 'pickup' ? l.canPickup : shipment?.kind === 'in_store' ? l.kind === 'store' : l.canShip),
  );
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !shipment) return;
    setError(null);
    reassign.mutate(
      { shipmentId: shipment.id, locationId: v.locationId, reason: v.reason?.trim() || undefined },
      {
        onSuccess: (s) => {
          void message.success(t('shp.rerouted', { location: s.locationName }));
          onClose();
        },
        onError: (e) => setError(showFormErrors(form, e)),
      },
    );
  };
  return (
    <FormModal
      form={form}
      title={t('shp.rerouteTitle')}
      open={!!shipment}
      okText={t('shp.rerouteSubmit')}
      pending={reassign.isPending}
      onClose={onClose}
      onOk={() => void submit()}
      onAfterClose={() => setError(null)}
    >
      <Alert type="info" showIcon message={t('shp.rerouteHint')} style={{ marginBottom: 12 }} />
      <FormAlert message={error} />
      <Form form={form} layout="vertical" requiredMark={false} data-testid="reroute-form">
        <Form.Item
          name="locationId"
          label={t('shp.rerouteTo')}
          rules={[{ required: true, message: t('shp.rerouteTo') }]}
        >
          <Select
            loading={locations.isPending}
            options={usable.map((l) => ({ value: l.id, label: `${l.name}${l.city ? ` · ${l.city}` : ''}` }))}
            data-testid="reroute-location"
          />
        </Form.Item>
        <Form.Item name="reason" label={t('shp.rerouteReason')}>
          <Input maxLength={200} data-testid="reroute-reason" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
