import { App, Button, Card, Form, Table, Typography } from 'antd';
import { useState } from 'react';
import { isApiError } from '../../../api/errors';
import { formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { FormAlert, FormModal, showFormErrors } from '../../../shared/antd/components';
import { useT } from '../../i18n';
import { useCurrentShop } from '../../SellerLayout';
import { CarrierFields } from '../orders/ShipModal';
import { type Store, type StoreParcel, useShipFromStore, useStoreParcels } from './queries';

/** Parcels routed to (or grabbed by) this store, with a ship action: carrier and tracking number. */
export function ParcelsPanel({ store }: { store: Store }) {
  const t = useT();
  const locale = useLocale();
  const { shop } = useCurrentShop();
  const parcels = useStoreParcels(shop.id, store.id);
  const [shipping, setShipping] = useState<StoreParcel | null>(null);
  return (
    <Card size="small" title={t('ship.storeTitle')}>
      <Table<StoreParcel>
        rowKey="shipmentId"
        data-testid="parcel-table"
        loading={parcels.isPending}
        dataSource={parcels.data ?? []}
        pagination={false}
        locale={{ emptyText: t('ship.empty') }}
        columns={[
          {
            title: t('pickup.order'),
            render: (_, p) => (
              <>
                <Typography.Text copyable>{p.orderNo}</Typography.Text>
                <br />
                <Typography.Text type="secondary">{formatShortDateTime(p.readyAt, locale)}</Typography.Text>
              </>
            ),
          },
          {
            title: t('pickup.items'),
            render: (_, p) =>
              p.lines.map((l) => (
                <div key={l.skuId}>
                  {l.title} <Typography.Text type="secondary">{l.specText}</Typography.Text> × {l.quantity}
                </div>
              )),
          },
          {
            title: t('ship.to'),
            render: (_, p) => (
              <>
                {p.address.name} {p.address.phone}
                <br />
                <Typography.Text type="secondary">
                  {p.address.province} {p.address.city} {p.address.district} {p.address.detail}
                </Typography.Text>
              </>
            ),
          },
          {
            title: '',
            render: (_, p) => (
              <Button type="primary" onClick={() => setShipping(p)}>
                {t('ship.action')}
              </Button>
            ),
          },
        ]}
      />
      <ShipParcelModal store={store} parcel={shipping} onClose={() => setShipping(null)} />
    </Card>
  );
}

function ShipParcelModal({
  store,
  parcel,
  onClose,
}: {
  store: Store;
  parcel: StoreParcel | null;
  onClose: () => void;
}) {
  const t = useT();
  const { shop } = useCurrentShop();
  const [form] = Form.useForm<{ carrier: string; trackingNo: string }>();
  const ship = useShipFromStore(shop.id, store.id);
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values || !parcel) return;
    setError(null);
    ship.mutate(
      { shipmentId: parcel.shipmentId, carrier: values.carrier, trackingNo: values.trackingNo.trim() },
      {
        onSuccess: () => {
          void message.success(t('ship.storeDone'));
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
      title={t('ship.action')}
      open={!!parcel}
      okText={t('ship.action')}
      pending={ship.isPending}
      onClose={onClose}
      onOk={() => void submit()}
      onAfterClose={() => setError(null)}
    >
      <FormAlert message={error} />
      <Form form={form} layout="vertical" requiredMark={false}>
        <CarrierFields testIdPrefix="store-ship" />
      </Form>
    </FormModal>
  );
}
