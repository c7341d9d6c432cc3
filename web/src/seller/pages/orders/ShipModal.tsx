import { App, Descriptions, Form, Input, Select } from 'antd';
import { useState } from 'react';
import { isApiError } from '../../../api/errors';
import { useLocale } from '../../../i18n/react';
import { FormAlert, FormModal, showFormErrors } from '../../../shared/antd/components';
import { CARRIERS, type OrderRow, useShip } from '../../commerce';
import { useT } from '../../i18n';
import { formatFen } from '../../money';

export const TRACKING_NO = /^[0-9A-Za-z-]{6,32}$/;

/**
 * The carrier and tracking-number fields of every ship form (an order, a parcel, a store's
 * parcel), checked as the server checks them. Test ids: `<testIdPrefix>-carrier`, `-tracking`.
 */
export function CarrierFields({ testIdPrefix }: { testIdPrefix: string }) {
  const t = useT();
  return (
    <>
      <Form.Item
        name="carrier"
        label={t('ship.carrier')}
        rules={[{ required: true, message: t('ship.carrierRequired') }]}
      >
        <Select
          showSearch
          placeholder={t('ship.carrierPlaceholder')}
          optionFilterProp="label"
          options={CARRIERS.map((k) => ({ value: k.name, label: t(`carrier.${k.key}`) }))}
          data-testid={`${testIdPrefix}-carrier`}
        />
      </Form.Item>
      <Form.Item
        name="trackingNo"
        label={t('ship.trackingNo')}
        rules={[
          { required: true, whitespace: true, message: t('ship.trackingRequired') },
          { pattern: TRACKING_NO, message: t('ship.trackingFormat') },
        ]}
      >
        <Input maxLength={32} placeholder={t('ship.trackingPlaceholder')} data-testid={`${testIdPrefix}-tracking`} />
      </Form.Item>
    </>
  );
}

interface Values {
  carrier: string;
  trackingNo: string;
}

/** Ship one order: carrier and tracking number, checked as the server checks them. */
export function ShipModal({ shopId, order, onClose }: { shopId: string; order: OrderRow | null; onClose: () => void }) {
  const t = useT();
  const locale = useLocale();
  const [form] = Form.useForm<Values>();
  const ship = useShip(shopId);
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values || !order) return;
    setError(null);
    ship.mutate(
      { orderId: order.id, carrier: values.carrier.trim(), trackingNo: values.trackingNo.trim() },
      {
        onSuccess: () => {
          void message.success(t('ship.done', { orderNo: order.orderNo }));
          onClose();
        },
        onError: (e) => {
          const detail = showFormErrors(form, e);
          if (!isApiError(e, 400) || !e.fieldErrors.length) setError(detail);
        },
      },
    );
  };

  return (
    <FormModal
      form={form}
      title={t('ship.title')}
      open={!!order}
      okText={t('ship.submit')}
      pending={ship.isPending}
      onClose={onClose}
      onOk={() => void submit()}
      onAfterClose={() => setError(null)}
    >
      {order ? (
        <Descriptions size="small" column={1} style={{ marginBottom: 12 }} className="qd-ship-summary">
          <Descriptions.Item label={t('orders.orderNo')}>{order.orderNo}</Descriptions.Item>
          <Descriptions.Item label={t('orders.receiver')}>
            {order.address.name} {order.address.phone}
          </Descriptions.Item>
          <Descriptions.Item label={t('orders.address')}>
            {order.address.province} {order.address.city} {order.address.district} {order.address.detail}
          </Descriptions.Item>
          <Descriptions.Item label={t('orders.total')}>{formatFen(order.total, locale)}</Descriptions.Item>
        </Descriptions>
      ) : null}
      <FormAlert message={error} />
      <Form<Values> form={form} layout="vertical" requiredMark={false} data-testid="ship-form">
        <CarrierFields testIdPrefix="ship" />
      </Form>
    </FormModal>
  );
}
